import { afterAll, describe, it } from "vitest";
import { sharedDockerEngine } from "../../../test/docker/engine.js";
import { describeTargetConformance } from "../conformance/suite.js";
import { removeProjectContainers } from "./containers.js";
import { dockerFixtures } from "./docker-fixtures.js";
import { DockerTarget } from "./docker-target.js";
import { connectEngine } from "./engine.js";

const engine = await sharedDockerEngine();

if (engine.available) {
  process.env.DOCKER_HOST = engine.host;
  describeTargetConformance("docker", (context) => new DockerTarget(context), dockerFixtures);
  afterAll(async () => {
    const docker = connectEngine();
    await removeProjectContainers(docker, "conformance", { volumes: true });
    await docker.getImage("conformance-svc:conformance").remove({ force: true });
  });
} else {
  describe("Target conformance: docker", () => {
    it.skip(`skipped: ${engine.reason}`, () => {});
  });
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { sharedDockerEngine } from "../../../test/docker/engine.js";
import { slipwayPaths } from "../../state/paths.js";
import { removeProjectContainers } from "./containers.js";
import { dockerRequest, LOCAL_NODE_IMAGE } from "./docker-fixtures.js";
import { DockerTarget } from "./docker-target.js";
import { connectEngine } from "./engine.js";
import { imageRepository } from "./image.js";
import { LABEL } from "./labels.js";

const engine = await sharedDockerEngine();
const dir = mkdtempSync(join(tmpdir(), "slipway-docker-target-"));
const paths = slipwayPaths(join(dir, "home"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the docker target without an engine", () => {
  it("says so with E_DOCKER_UNAVAILABLE, naming DOCKER_HOST's address and how to start one", async () => {
    const nowhere = join(dir, "no-engine.sock");
    const target = new DockerTarget({ paths }, new Dockerode({ socketPath: nowhere }));
    const start = target.start(dockerRequest(dir, { command: ["true"] }));
    await expect(start).rejects.toMatchObject({
      code: "E_DOCKER_UNAVAILABLE",
      hint: expect.stringMatching(/dockerd/),
    });
  });
});

describe.skipIf(!engine.available)("the docker target on an engine", () => {
  const project = `dockertest${process.pid}`;
  if (engine.available) process.env.DOCKER_HOST = engine.host;
  const docker = () => connectEngine();
  afterAll(async () => {
    await removeProjectContainers(docker(), project, { volumes: true });
    const images = await docker().listImages({ filters: { reference: [imageRepository(project, "api")] } });
    for (const image of images) await docker().getImage(image.Id).remove({ force: true });
  });

  it("builds dockerfile_inline with args and a target stage, tagged per build and per release", async () => {
    const context = join(dir, "inline");
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, "greeting.txt"), "from the context\n");
    const build = {
      context,
      dockerfile_inline: `FROM ${LOCAL_NODE_IMAGE} AS base\nARG FLAVOUR\nENV FLAVOUR=$$FLAVOUR\nCOPY greeting.txt /app/\nFROM base AS final\nENV STAGE=final\n`,
      args: { FLAVOUR: "mint" },
      target: "base",
      labels: { team: "payments" },
    };
    // `$$` is Compose's escape for `$`: the shell sees `$FLAVOUR` and `${STAGE:-no-stage}`.
    const script = ["cat /app/greeting.txt; echo", '"$$FLAVOUR', '$${STAGE:-no-stage}"'].join(" ");
    const request = dockerRequest(
      dir,
      { build, command: ["sh", "-c", script] },
      { project, kind: "job", release: "r4" },
    );
    const result = await new DockerTarget({ paths }).runJob(request, 30_000);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.output).toBe("from the context\nmint no-stage");
    const image = await docker().getImage(`${project}-api:${request.artifact.buildHash}`).inspect();
    expect(image.RepoTags).toContain(`${project}-api:r4`);
    expect(image.Config.Labels).toMatchObject({ team: "payments", [LABEL.project]: project });
  });

  it("reports a failing build as E_BUILD_FAILED with the engine's words", async () => {
    const context = join(dir, "broken");
    mkdirSync(context, { recursive: true });
    const build = { context, dockerfile_inline: `FROM ${LOCAL_NODE_IMAGE}\nCOPY no-such-file /app/\n` };
    const start = new DockerTarget({ paths }).start(dockerRequest(dir, { build }, { project }));
    await expect(start).rejects.toMatchObject({ code: "E_BUILD_FAILED" });
    await expect(start).rejects.toThrow(/no-such-file/);
  });

  it("keeps a named volume, labelled with its project, across instances", async () => {
    const context = join(dir, "volume");
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, "Dockerfile"), `FROM ${LOCAL_NODE_IMAGE}\n`);
    const target = new DockerTarget({ paths });
    const run = (script: string) =>
      target.runJob(
        dockerRequest(
          dir,
          { build: context, command: ["sh", "-c", script], volumes: ["data:/data"] },
          {
            project,
            kind: "job",
            volumes: ["data"],
          },
        ),
        30_000,
      );
    expect((await run("echo kept > /data/file")).exitCode).toBe(0);
    expect((await run("cat /data/file")).output).toBe("kept");
    const volume = await docker().getVolume(`${project}_data`).inspect();
    expect(volume.Labels).toMatchObject({ [LABEL.project]: project, [LABEL.volume]: "data" });
    // Its data is in the agent's home, where the process target keeps a volume and backups read it.
    expect(readFileSync(join(paths.volume(project, "data"), "file"), "utf8")).toBe("kept\n");
    // A job's container is removed once its output is kept: nothing of the project is left running or exited.
    expect(
      await docker().listContainers({ all: true, filters: { label: [`${LABEL.project}=${project}`] } }),
    ).toEqual([]);
  });
  it("keeps the newest five built images of a service, each tagged per build and per release", async () => {
    const context = join(dir, "many");
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, "Dockerfile"), `FROM ${LOCAL_NODE_IMAGE}\nCOPY version /\n`);
    const target = new DockerTarget({ paths });
    for (let version = 1; version <= 7; version++) {
      writeFileSync(join(context, "version"), String(version));
      const request = dockerRequest(
        dir,
        { build: context, command: ["true"] },
        {
          project,
          kind: "job",
          release: `r${version}`,
        },
      );
      expect((await target.runJob(request, 30_000)).exitCode).toBe(0);
    }
    const images = await docker().listImages({ filters: { reference: [imageRepository(project, "api")] } });
    const releases = images.flatMap((image) => image.RepoTags ?? []).filter((tag) => /:r\d$/.test(tag));
    expect(releases.sort()).toEqual([3, 4, 5, 6, 7].map((n) => `${project}-api:r${n}`));
  });
});

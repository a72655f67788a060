import { afterAll, describe, expect, it } from "vitest";
import { removeProjectContainers } from "../../src/targets/docker/containers.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { imageRepository } from "../../src/targets/docker/image.js";
import { LABEL } from "../../src/targets/docker/labels.js";
import { sharedDockerEngine } from "../docker/engine.js";
import { answer, load } from "./http.js";
import {
  eventually,
  finished,
  freePort,
  PATIENT,
  type Sandbox,
  sandboxPerTest,
  servicesIn,
} from "./sandbox.js";

const engine = await sharedDockerEngine();
// The CLI gets it through its environment; this file's own engine client (cleanup, checks) reads it here.
if (engine.available) process.env.DOCKER_HOST = engine.host;

/** The fixture app in an image built FROM the local Node base, deployed with `x-slipway.target: docker`. */
const DOCKERFILE = `FROM slipway-local/node:20\nCOPY server.mjs /app/server.mjs\nWORKDIR /app\nCMD ["node", "server.mjs"]\n`;
const compose = (port: number, version: string, extra = "") => `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: ${version}
${extra}x-slipway:
  target: docker
`;

describe.skipIf(!engine.available).concurrent("the docker target through bin/slipway", PATIENT, () => {
  const sandbox = sandboxPerTest();
  const projects: string[] = [];
  const env: Record<string, string> = engine.available ? { DOCKER_HOST: engine.host } : {};
  const docker = () => connectEngine();
  const make = (files: Record<string, string>): Sandbox => {
    const s = sandbox({ ...files, "app/Dockerfile": DOCKERFILE });
    projects.push(s.project);
    return s;
  };
  const containersOf = async (project: string) =>
    docker().listContainers({ filters: { label: [`${LABEL.project}=${project}`] } });
  afterAll(async () => {
    for (const project of projects) {
      await removeProjectContainers(docker(), project, { volumes: true });
      const images = await docker().listImages({
        filters: { reference: [`${imageRepository(project, "web")}`] },
      });
      for (const image of images) await docker().getImage(image.Id).remove({ force: true });
    }
  }, 60_000);

  it("deploys containers, redeploys without a rebuild, and rolls back without one", async () => {
    const port = await freePort();
    const s = make({ "compose.yaml": compose(port, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");
    const [running] = await containersOf(s.project);
    expect(running?.Labels).toMatchObject({
      [LABEL.project]: s.project,
      [LABEL.service]: "web",
      [LABEL.containerNumber]: "1",
    });
    expect(running?.HostConfig.NetworkMode).toBe("host");

    s.write({ "compose.yaml": compose(port, "v2") });
    const second = await s.cli(["deploy", "--json"], env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(servicesIn(second.stdout, "building")).toEqual([]);
    expect((await answer(port)).version).toBe("v2");
    const tags = (await docker().listImages()).flatMap((image) => image.RepoTags ?? []);
    expect(tags.filter((tag) => tag.startsWith(`${imageRepository(s.project, "web")}:`)).sort()).toEqual([
      expect.stringMatching(/:[0-9a-f]{16}$/),
      expect.stringMatching(/:r1$/),
      expect.stringMatching(/:r2$/),
    ]);

    const rollback = await s.cli(["rollback", "--json"], env);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "building")).toEqual([]);
    expect((await answer(port)).version).toBe("v1");
    await eventually("one running container", async () => (await containersOf(s.project)).length === 1);
  });

  it("rolls back a version whose healthcheck fails, with the probe's output, while v1 answers", async () => {
    const port = await freePort();
    const s = make({ "compose.yaml": compose(port, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const healthcheck = `    healthcheck:
      test: ["CMD", "node", "-e", "console.error('probe says: no database'); process.exit(1)"]
      interval: 300ms
      timeout: 2s
      retries: 2
`;
    s.write({ "compose.yaml": compose(port, "v2", healthcheck) });
    const deploy = s.start(["deploy", "--json"], env);
    let done = false;
    void deploy.done.then(() => {
      done = true;
    });
    const report = await load(port, () => done, { maxRequests: 2000, maxMs: 60_000 });
    const result = await deploy.done;
    expect(result.code).toBe(1);
    const end = finished(result.stdout);
    expect(end.status).toBe("rolled-back");
    expect(end.error?.message).toContain("probe says: no database");
    expect(report.failures).toEqual([]);
    expect(Object.keys(report.versions)).toEqual(["v1"]);
    expect((await answer(port)).version).toBe("v1");
  });
  it("keeps the old release serving when a migration or the image build fails", async () => {
    const port = await freePort();
    const s = make({ "compose.yaml": compose(port, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const v1 = await answer(port);

    const migrate = `    x-slipway:
      migrate: "node -e \\"console.error('relation users already exists'); process.exit(3)\\""
`;
    s.write({ "compose.yaml": compose(port, "v2", migrate) });
    const migration = await s.cli(["deploy", "--json"], env);
    expect(migration.code).toBe(1);
    expect(finished(migration.stdout).error).toMatchObject({ code: "E_DEPLOY_MIGRATION_FAILED" });
    expect(finished(migration.stdout).error?.message).toContain("relation users already exists");
    expect(await answer(port)).toMatchObject({ version: "v1", pid: v1.pid });

    s.write({
      "compose.yaml": compose(port, "v3"),
      "app/Dockerfile": `${DOCKERFILE}COPY no-such-file /app/\n`,
    });
    const build = await s.cli(["deploy", "--json"], env);
    expect(build.code).toBe(1);
    expect(finished(build.stdout).error?.message).toContain("no-such-file");
    expect(await answer(port)).toMatchObject({ version: "v1", pid: v1.pid });
  });
});

describe("the docker target without an engine", PATIENT, () => {
  const sandbox = sandboxPerTest();

  it("check and deploy say no engine answers and how to start one; nothing is deployed", async () => {
    const s = sandbox({ "compose.yaml": compose(await freePort(), "v1"), "app/Dockerfile": DOCKERFILE });
    const nowhere = { DOCKER_HOST: `unix://${s.root}/no-engine.sock` };
    const check = await s.cli(["check"], nowhere);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("E_DOCKER_UNAVAILABLE");
    expect(check.stdout).toContain("no-engine.sock");
    const deploy = await s.cli(["deploy"], nowhere);
    expect(deploy.code).not.toBe(0);
    expect(deploy.stdout + deploy.stderr).toMatch(/E_DOCKER_UNAVAILABLE[\s\S]*dockerd/);
    expect((await s.releases()).releases).toEqual([]);
  });
});

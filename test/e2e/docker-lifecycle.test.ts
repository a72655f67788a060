import { afterAll, describe, expect, it } from "vitest";
import { removeProjectContainers } from "../../src/targets/docker/containers.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { imageRepository } from "../../src/targets/docker/image.js";
import { LABEL } from "../../src/targets/docker/labels.js";
import { sharedDockerEngine } from "../docker/engine.js";
import { answer, load } from "./http.js";
import { isAlive } from "./procs.js";
import { eventually, freePort, PATIENT, type Sandbox, sandboxPerTest } from "./sandbox.js";

const engine = await sharedDockerEngine();
if (engine.available) process.env.DOCKER_HOST = engine.host;

const DOCKERFILE = `FROM slipway-local/node:20\nCOPY server.mjs /app/server.mjs\nWORKDIR /app\nCMD ["node", "server.mjs"]\n`;
/** With `data`, the service keeps its boots in a named volume (and is then recreated, not rolled, on deploy). */
const compose = (
  port: number,
  version: string,
  options: { data?: boolean; extra?: string } = {},
) => `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    ports: ["127.0.0.1:${port}:3000"]
${options.data ? '    volumes: ["data:/data"]\n' : ""}    environment:
      APP_VERSION: ${version}
${options.data ? "      DATA_DIR: /data\n" : ""}${options.extra ?? ""}${options.data ? "volumes:\n  data: {}\n" : ""}x-slipway:
  target: docker
`;

describe
  .skipIf(!engine.available)
  .concurrent("docker containers across agent restarts and down", PATIENT, () => {
    const sandbox = sandboxPerTest();
    const projects: string[] = [];
    const env: Record<string, string> = engine.available ? { DOCKER_HOST: engine.host } : {};
    const docker = () => connectEngine();
    const make = (files: Record<string, string>): Sandbox => {
      const s = sandbox({ ...files, "app/Dockerfile": DOCKERFILE });
      projects.push(s.project);
      return s;
    };
    const containerIds = async (project: string, all = false) =>
      (await docker().listContainers({ all, filters: { label: [`${LABEL.project}=${project}`] } }))
        .map((c) => c.Id)
        .sort();
    const killAgent = async (s: Sandbox) => {
      const pid = s.agentPid()!;
      process.kill(pid, "SIGKILL");
      await eventually("the agent to die", () => !isAlive(pid), 5000);
    };
    afterAll(async () => {
      for (const project of projects) {
        await removeProjectContainers(docker(), project, { volumes: true });
        const images = await docker().listImages({
          filters: { reference: [imageRepository(project, "web")] },
        });
        for (const image of images) await docker().getImage(image.Id).remove({ force: true });
      }
    }, 60_000);

    it("adopts the same containers after kill -9, and rolls an interrupted deploy back without duplicates", async () => {
      const port = await freePort();
      const s = make({ "compose.yaml": compose(port, "v1") });
      const first = await s.cli(["deploy"], env);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const before = await containerIds(s.project);
      expect(before).toHaveLength(1);

      await killAgent(s);
      expect((await answer(port)).version).toBe("v1");
      const ps = await s.cli(["ps", "--json"], env);
      expect(ps.code, ps.stderr).toBe(0);
      expect(await containerIds(s.project)).toEqual(before);

      // v2 never becomes ready (the file it waits for is not in its container): the agent dies mid-deploy.
      s.write({ "compose.yaml": compose(port, "v2", { extra: "      READY_FILE: /never\n" }) });
      let stopLoad = false;
      const traffic = load(port, () => stopLoad, { maxRequests: 3000, maxMs: 60_000 });
      const deploy = s.start(["deploy", "--json"], env);
      await deploy.waitForEvent((e) => e.type === "service" && e.phase === "health");
      await eventually("v2's container", async () => (await containerIds(s.project)).length === 2);
      await killAgent(s);
      const restart = await s.cli(["agent", "start"], env);
      expect(restart.code, restart.stdout + restart.stderr).toBe(0);
      expect((await deploy.done).code).toBe(1);
      await eventually(
        "only v1's container left",
        async () => (await containerIds(s.project, true)).length === 1,
      );
      expect(await containerIds(s.project)).toEqual(before);
      stopLoad = true;
      const report = await traffic;
      expect(report.failures).toEqual([]);
      expect(Object.keys(report.versions)).toEqual(["v1"]);
    });

    it("down removes the containers and keeps the volume; logs shows what a container printed", async () => {
      const port = await freePort();
      const s = make({ "compose.yaml": compose(port, "v1", { data: true }) });
      const first = await s.cli(["deploy"], env);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect((await answer(port)).boots).toBe(1);
      const logs = await s.cli(["logs", "web"], env);
      expect(logs.stdout).toMatch(/web-1 \| web v1 listening on \d+/);

      const down = await s.cli(["down"], env);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await containerIds(s.project, true)).toEqual([]);
      const volume = await docker().getVolume(`${s.project}_data`).inspect();
      expect(volume.Labels?.[LABEL.project]).toBe(s.project);

      const again = await s.cli(["deploy"], env);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect((await answer(port)).boots).toBe(2);
    });
  });

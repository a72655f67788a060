import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedSwarm } from "../../../test/docker/swarm.js";
import { loadManifest } from "../../manifest/load.js";
import type { AppSpec } from "../../manifest/model.js";
import { slipwayPaths } from "../../state/paths.js";
import { connectEngine } from "../docker/engine.js";
import { SwarmOrchestrator } from "./swarm-orchestrator.js";

const swarm = await sharedSwarm();
const dir = mkdtempSync(join(tmpdir(), "slipway-swarm-"));
const paths = slipwayPaths(join(dir, "home"));
const project = `swarmtest${process.pid}`;

/** A tiny HTTP server on $PORT answering its version; a healthcheck, if given, is added as written. */
function app(version: string, healthcheck?: unknown): AppSpec {
  const file = join(dir, "compose.json");
  const server = `require("http").createServer((q,s)=>s.end(process.env.APP_VERSION)).listen(+process.env.PORT,"127.0.0.1");console.log("listening",process.env.PORT)`;
  writeFileSync(
    file,
    JSON.stringify({
      name: project,
      services: {
        web: {
          image: "slipway-local/node:20",
          command: ["node", "-e", server],
          environment: { APP_VERSION: version },
          deploy: { replicas: 2, update_config: { order: "start-first", monitor: "2s" } },
          ...(healthcheck ? { healthcheck } : {}),
        },
      },
      "x-slipway": { target: "swarm" },
    }),
  );
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return spec;
}

/** One GET to the task's port; tasks without a healthcheck count as running before they listen, so it retries for a while. */
async function answer(port: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await answerOnce(port);
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const answerOnce = (port: number) =>
  new Promise<string>((resolve, reject) => {
    get({ host: "127.0.0.1", port, agent: false }, (response) => {
      let text = "";
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => resolve(text));
    }).on("error", reject);
  });

describe.skipIf(!swarm.available)(
  "the swarm orchestrator on a single-node swarm",
  { timeout: 180_000 },
  () => {
    if (swarm.available) process.env.DOCKER_HOST = swarm.host;
    const orchestrator = new SwarmOrchestrator(paths, connectEngine());
    const artifact = { hash: "rev1", appDir: dir };
    afterAll(async () => {
      await orchestrator.remove(project, { purge: true });
      rmSync(dir, { recursive: true, force: true });
    });

    it("creates a service, watches it converge, and reaches each slot on its loopback port", async () => {
      const progress: unknown[] = [];
      await orchestrator.apply({ app: app("v1"), service: "web", release: "r1", artifact });
      const outcome = await orchestrator.watch(project, "web", "r1", (p) => progress.push(p), 90_000);
      expect(outcome).toEqual({ status: "converged" });
      const tasks = (await orchestrator.tasks(project)).filter((t) => t.state === "running");
      expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2]);
      for (const task of tasks) expect(await answer(task.port!)).toBe("v1");
      expect(await orchestrator.services(project)).toEqual([
        expect.objectContaining({ service: "web", release: "r1" }),
      ]);
    });

    it("reports Swarm's own rollback of an update whose healthcheck fails, with the probe's output", async () => {
      const failing = {
        test: ["CMD", "node", "-e", "console.log('probe says: no database');process.exit(1)"],
        interval: "500ms",
        timeout: "2s",
        retries: 1,
      };
      await orchestrator.apply({
        app: app("v2", failing),
        service: "web",
        release: "r2",
        artifact: { ...artifact, hash: "rev2" },
      });
      const outcome = await orchestrator.watch(project, "web", "r2", () => {}, 120_000);
      expect(outcome).toMatchObject({ status: "rolled-back" });
      expect(outcome.status !== "converged" && outcome.output).toContain("probe says: no database");
      expect(await orchestrator.services(project)).toEqual([
        expect.objectContaining({ service: "web", release: "r1", updateState: "rollback_completed" }),
      ]);
      const running = (await orchestrator.tasks(project)).filter((t) => t.state === "running");
      for (const task of running) expect(await answer(task.port!)).toBe("v1");
    });

    it("runs a job to completion as a replicated-job, with its exit code and output, and removes it", async () => {
      const spec = app("v1");
      const request = {
        id: `${project}.web.r1.0.migrate`,
        project,
        service: "web",
        release: "r1",
        index: 0,
        kind: "job" as const,
        spec: spec.services.web!,
        artifact,
        projectDirectory: dir,
        port: 0,
        command: ["node", "-e", "console.error('relation users already exists');process.exit(3)"],
      };
      const result = await orchestrator.runJob(request, 60_000);
      expect(result).toMatchObject({ exitCode: 3, timedOut: false });
      expect(result.output).toContain("relation users already exists");
      const ok = await orchestrator.runJob(
        { ...request, command: ["node", "-e", "console.log('migrated')"] },
        60_000,
      );
      expect(ok).toMatchObject({ exitCode: 0 });
      expect(ok.output).toContain("migrated");
      const left = await connectEngine().listServices({ filters: { label: [`dev.slipway.kind=job`] } });
      expect(left).toEqual([]);
    });
  },
);

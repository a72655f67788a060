import { get } from "node:http";
import { describe, expect, it } from "vitest";
import type { AppSpec } from "../../manifest/model.js";
import type { EngineLogLine, Orchestrator } from "../orchestrator.js";

/** What the suite needs from an orchestrator's test setup. */
export interface OrchestratorFixtures {
  readonly orchestrator: Orchestrator;
  readonly project: string;
  /**
   * A project with one service `web` of 2 replicas that answers its `APP_VERSION` on `$PORT`
   * (start-first updates, a short monitor) and writes a line to stdout when it starts, with
   * `healthcheck` added as written when given.
   */
  app(version: string, healthcheck?: unknown): AppSpec;
  /** A failing healthcheck whose output says "probe says: no database". */
  readonly failingHealthcheck: unknown;
  /** A job command printing `text` to stderr and exiting with `code`. */
  exitWith(text: string, code: number): readonly string[];
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

/** One GET to a task's loopback port; a task without a healthcheck counts as running before it listens, so it retries a while. */
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

/**
 * Registers the tests every `Orchestrator` must pass against its real engine: a service applied and
 * watched to convergence, reachable per task on loopback; an update the engine rolls back reported
 * as such with the probe's output; a job run to completion with its exit code and output.
 */
export function describeOrchestratorConformance(name: string, fixtures: () => OrchestratorFixtures): void {
  describe(`Orchestrator conformance: ${name}`, { timeout: 180_000 }, () => {
    const artifact = (hash: string) => ({ hash, appDir: "/nonexistent" });

    it("creates a service, watches it converge, and reaches each task on its loopback port", async () => {
      const { orchestrator, project, app } = fixtures();
      await orchestrator.apply({ app: app("v1"), service: "web", release: "r1", artifact: artifact("rev1") });
      expect(await orchestrator.watch(project, "web", "r1", () => {}, 90_000)).toEqual({
        status: "converged",
      });
      const tasks = (await orchestrator.tasks(project)).filter((t) => t.state === "running");
      expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2]);
      for (const task of tasks) expect(await answer(task.port!)).toBe("v1");
      expect(await orchestrator.services(project)).toEqual([
        expect.objectContaining({ service: "web", release: "r1", revision: "rev1" }),
      ]);
    });

    it("reports the engine's rollback of an update whose healthcheck fails, with the probe's output", async () => {
      const { orchestrator, project, app, failingHealthcheck } = fixtures();
      const failing = app("v2", failingHealthcheck);
      await orchestrator.apply({ app: failing, service: "web", release: "r2", artifact: artifact("rev2") });
      const outcome = await orchestrator.watch(project, "web", "r2", () => {}, 150_000);
      expect(outcome).toMatchObject({ status: "rolled-back" });
      expect(outcome.status !== "converged" && outcome.output).toContain("probe says: no database");
      expect(await orchestrator.services(project)).toEqual([
        expect.objectContaining({ service: "web", release: "r1" }),
      ]);
      const running = (await orchestrator.tasks(project)).filter((t) => t.state === "running");
      expect(running.length).toBeGreaterThan(0);
      for (const task of running) expect(await answer(task.port!)).toBe("v1");
    });

    it("replaces every task on a forced apply of the same release, watched until the new tasks run, and follows their logs", async () => {
      const { orchestrator, project, app } = fixtures();
      const running = async () => (await orchestrator.tasks(project)).filter((t) => t.state === "running");
      const before = (await running()).map((t) => t.id);
      const lines: EngineLogLine[] = [];
      const stop = new AbortController();
      // No history (tail 0): every line it hears was written by a task started after this point.
      const following = orchestrator.followLogs(project, "web", 0, (line) => lines.push(line), stop.signal);
      await orchestrator.apply({
        app: app("v1"),
        service: "web",
        release: "r1",
        artifact: artifact("rev1"),
        force: true,
      });
      expect(await orchestrator.watch(project, "web", "r1", () => {}, 150_000)).toEqual({
        status: "converged",
      });
      const after = await running();
      expect(after).toHaveLength(2);
      expect(after.filter((t) => before.includes(t.id))).toEqual([]);
      for (const task of after) expect(await answer(task.port!)).toBe("v1");
      for (let i = 0; i < 100 && new Set(lines.map((l) => l.instance)).size < 2; i++)
        await new Promise((r) => setTimeout(r, 200));
      expect(new Set(lines.map((l) => l.instance))).toEqual(new Set(["web-1", "web-2"]));
      expect(lines.every((l) => l.service === "web" && l.line.length > 0)).toBe(true);
      stop.abort();
      await following;
    });

    it("runs a job to completion with its exit code and output, and leaves no job behind", async () => {
      const { orchestrator, project, app, exitWith } = fixtures();
      const spec = app("v1");
      const request = {
        id: `${project}.web.r1.0.migrate`,
        project,
        service: "web",
        release: "r1",
        index: 0,
        kind: "job" as const,
        spec: spec.services.web!,
        artifact: artifact("rev1"),
        projectDirectory: spec.projectDirectory,
        port: 0,
        command: exitWith("relation users already exists", 3),
      };
      const result = await orchestrator.runJob(request, 60_000);
      expect(result).toMatchObject({ exitCode: 3, timedOut: false });
      expect(result.output).toContain("relation users already exists");
      const ok = await orchestrator.runJob({ ...request, command: exitWith("migrated", 0) }, 60_000);
      expect(ok).toMatchObject({ exitCode: 0 });
      expect(ok.output).toContain("migrated");
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Target } from "../target.js";
import { type ConformanceFixtures, ConformanceHarness } from "./harness.js";

export type { ConformanceFixtures } from "./harness.js";

const SLOW = { timeout: 15_000 };

/** Registers the tests every `Target` implementation must pass, run against real instances. */
export function describeTargetConformance(
  name: string,
  makeTarget: () => Target | Promise<Target>,
  fixtures: ConformanceFixtures,
): void {
  describe(`Target conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeEach(async () => {
      h = await ConformanceHarness.create(await makeTarget(), fixtures);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it("starts an instance that runs until stopped with its stop signal", SLOW, async () => {
      const spec = h.spec(fixtures.trapTermCommand());
      const handle = await h.start(spec);
      await h.waitForLog(spec, "ready");
      expect(await h.target.inspect(handle)).toEqual({ state: "running" });
      const began = Date.now();
      expect(await h.target.stop(handle, "SIGTERM", 5000)).toEqual({
        state: "exited",
        exitCode: 0,
        signal: null,
      });
      expect(Date.now() - began).toBeLessThan(5000);
      expect(await h.readLog(spec, "stdout")).toContain("bye");
    });

    it("escalates to SIGKILL after the grace period when SIGTERM is ignored", SLOW, async () => {
      const spec = h.spec(fixtures.ignoreTermCommand());
      const handle = await h.start(spec);
      await h.waitForLog(spec, "ready");
      const began = Date.now();
      const state = await h.target.stop(handle, "SIGTERM", 600);
      const took = Date.now() - began;
      expect(state.state).toBe("exited");
      expect(took).toBeGreaterThanOrEqual(590);
      expect(took).toBeLessThan(600 + 3000);
    });

    it("stops an instance that already exited at once", SLOW, async () => {
      const handle = await h.start(h.spec(fixtures.sleepCommand(0)));
      expect(await h.target.waitForExit(handle)).toMatchObject({ state: "exited" });
      const began = Date.now();
      expect((await h.target.stop(handle, "SIGTERM", 5000)).state).toBe("exited");
      expect(Date.now() - began).toBeLessThan(1000);
    });

    it("passes exactly the spec's env and inherits nothing from the agent", SLOW, async () => {
      process.env.SLIPWAY_CONFORMANCE_AGENT_ONLY = "leaked";
      try {
        const env = { ...h.spec([]).env, GREETING: "hello conformance" };
        const greeting = await h.target.runJob(h.spec(fixtures.echoEnvCommand("GREETING"), { env }), 10_000);
        expect(greeting.output).toContain("hello conformance");
        const agentOnly = await h.target.runJob(
          h.spec(fixtures.echoEnvCommand("SLIPWAY_CONFORMANCE_AGENT_ONLY")),
          10_000,
        );
        expect(agentOnly.output).not.toContain("leaked");
        const home = await h.target.runJob(h.spec(fixtures.echoEnvCommand("HOME")), 10_000);
        expect(home.output.trim()).toBe("");
      } finally {
        delete process.env.SLIPWAY_CONFORMANCE_AGENT_ONLY;
      }
    });

    it("captures an instance's stdout and stderr in its log directory", SLOW, async () => {
      const spec = h.spec(fixtures.outputCommand("to-stdout", "to-stderr", 0));
      await h.target.waitForExit(await h.start(spec));
      expect(await h.readLog(spec, "stdout")).toContain("to-stdout");
      expect(await h.readLog(spec, "stderr")).toContain("to-stderr");
    });

    it("reports a job's exit code and output, and logs it", SLOW, async () => {
      const spec = h.spec(fixtures.outputCommand("job-out", "job-err", 3), { kind: "job" });
      const result = await h.target.runJob(spec, 10_000);
      expect(result).toMatchObject({ exitCode: 3, timedOut: false });
      expect(result.output).toContain("job-out");
      expect(result.output).toContain("job-err");
      expect(await h.readLog(spec, "stdout")).toContain("job-out");
    });

    it("kills a job that runs past its timeout and reports timedOut", SLOW, async () => {
      const began = Date.now();
      const result = await h.target.runJob(h.spec(fixtures.sleepCommand(30), { kind: "job" }), 500);
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(Date.now() - began).toBeLessThan(3500);
    });

    it("execs a command with the instance's env", SLOW, async () => {
      const spec = h.spec(fixtures.sleepCommand(30), {
        env: { ...h.spec([]).env, INSTANCE_VAR: "from-instance" },
      });
      await h.start(spec);
      const result = await h.target.exec(spec, fixtures.echoEnvCommand("INSTANCE_VAR"), 10_000);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.output).toContain("from-instance");
    });

    it("lets a restarted agent adopt a live instance, and not once it stopped", SLOW, async () => {
      const handle = await h.start(h.spec(fixtures.sleepCommand(30)));
      const restarted = await makeTarget();
      expect(await restarted.adopt([handle])).toEqual([handle]);
      expect(await restarted.inspect(handle)).toEqual({ state: "running" });
      expect((await restarted.stop(handle, "SIGTERM", 5000)).state).toBe("exited");
      expect(await restarted.adopt([handle])).toEqual([]);
    });

    it("neither adopts nor kills a process whose start time does not match the handle", SLOW, async () => {
      const handle = await h.start(h.spec(fixtures.sleepCommand(30)));
      const tampered = { ...handle, startTime: handle.startTime === "0" ? "1" : "0" };
      expect(await h.target.adopt([tampered])).toEqual([]);
      expect((await h.target.stop(tampered, "SIGKILL", 0)).state).toBe("exited");
      expect(await h.target.inspect(handle)).toEqual({ state: "running" });
    });

    it("rejects a start whose command does not exist with E_TARGET_START", SLOW, async () => {
      const start = h.start(h.spec(["slipway-conformance-no-such-command"]));
      await expect(start).rejects.toMatchObject({ code: "E_TARGET_START" });
      await expect(start).rejects.toThrow(/slipway-conformance-no-such-command/);
    });

    it("resolves waitForExit when the instance exits, also for a restarted agent", SLOW, async () => {
      const handle = await h.start(h.spec(fixtures.sleepCommand(0.3)));
      const restarted = await makeTarget();
      const [own, adopted] = await Promise.all([h.target.waitForExit(handle), restarted.waitForExit(handle)]);
      expect(own).toEqual({ state: "exited", exitCode: 0, signal: null });
      expect(adopted.state).toBe("exited");
    });
  });
}

import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConformanceFixtures, ConformanceHarness, type MakeTarget } from "./harness.js";

export type { ConformanceFixtures } from "./harness.js";

const SLOW = { timeout: 15_000 };

/**
 * Registers the tests every `Target` implementation must pass, run against real instances: each
 * instance is asked for as the deployer asks (a service's frozen spec and its artifact).
 */
export function describeTargetConformance(
  name: string,
  makeTarget: MakeTarget,
  fixtures: ConformanceFixtures,
): void {
  describe(`Target conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeEach(async () => {
      h = await ConformanceHarness.create(makeTarget, fixtures.contextFiles);
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const env = (extra: Record<string, string> = {}) => ({ ...fixtures.env, ...extra });

    it("starts an instance that runs until stopped with its stop signal", SLOW, async () => {
      const request = await h.request(fixtures.trapTermCommand(), { environment: env() });
      const handle = await h.start(request);
      await h.waitForOutput(request, "ready");
      expect(await h.target.inspect(handle)).toEqual({ state: "running" });
      const began = Date.now();
      expect(await h.target.stop(handle, "SIGTERM", 5000)).toEqual({
        state: "exited",
        exitCode: 0,
        signal: null,
      });
      expect(Date.now() - began).toBeLessThan(5000);
      expect(await h.target.lastOutput(request)).toContain("bye");
    });

    it("escalates to SIGKILL after the grace period when SIGTERM is ignored", SLOW, async () => {
      const request = await h.request(fixtures.ignoreTermCommand(), { environment: env() });
      const handle = await h.start(request);
      await h.waitForOutput(request, "ready");
      const began = Date.now();
      const state = await h.target.stop(handle, "SIGTERM", 600);
      const took = Date.now() - began;
      expect(state.state).toBe("exited");
      expect(took).toBeGreaterThanOrEqual(590);
      expect(took).toBeLessThan(600 + 3000);
    });

    it("stops an instance that already exited at once", SLOW, async () => {
      const handle = await h.start(await h.request(fixtures.sleepCommand(0), { environment: env() }));
      expect(await h.target.waitForExit(handle)).toMatchObject({ state: "exited" });
      const began = Date.now();
      expect((await h.target.stop(handle, "SIGTERM", 5000)).state).toBe("exited");
      expect(Date.now() - began).toBeLessThan(1000);
    });

    it(
      "passes the service's environment and slipway's own, and nothing else of the agent's",
      SLOW,
      async () => {
        process.env.SLIPWAY_CONFORMANCE_AGENT_ONLY = "leaked";
        try {
          const run = async (name: string) =>
            (
              await h.target.runJob(
                await h.request(fixtures.echoEnvCommand(name), {
                  environment: env({ GREETING: "hello conformance" }),
                  kind: "job",
                }),
                10_000,
              )
            ).output.trim();
          expect(await run("GREETING")).toBe("hello conformance");
          expect(await run("SLIPWAY_SERVICE")).toBe("svc");
          expect(await run("SLIPWAY_CONFORMANCE_AGENT_ONLY")).toBe("");
        } finally {
          delete process.env.SLIPWAY_CONFORMANCE_AGENT_ONLY;
        }
      },
    );

    it("captures an instance's stdout and stderr", SLOW, async () => {
      const request = await h.request(fixtures.outputCommand("to-stdout", "to-stderr", 0), {
        environment: env(),
      });
      await h.target.waitForExit(await h.start(request));
      const output = await h.target.lastOutput(request);
      expect(output).toContain("to-stdout");
      expect(output).toContain("to-stderr");
    });

    it("reports a job's exit code and output, and keeps its output", SLOW, async () => {
      const request = await h.request(fixtures.outputCommand("job-out", "job-err", 3), {
        environment: env(),
        kind: "job",
      });
      const result = await h.target.runJob(request, 10_000);
      expect(result).toMatchObject({ exitCode: 3, timedOut: false });
      expect(result.output).toContain("job-out");
      expect(result.output).toContain("job-err");
      expect(await h.target.lastOutput(request)).toContain("job-out");
    });

    it("kills a job that runs past its timeout and reports timedOut", SLOW, async () => {
      const began = Date.now();
      const request = await h.request(fixtures.sleepCommand(30), { environment: env(), kind: "job" });
      const result = await h.target.runJob(request, 500);
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(Date.now() - began).toBeLessThan(3500);
    });

    it("runs a job with a command given in place of the service's own", SLOW, async () => {
      const request = await h.request(fixtures.sleepCommand(30), {
        environment: env({ WHO: "job" }),
        kind: "job",
      });
      const result = await h.target.runJob({ ...request, command: fixtures.echoEnvCommand("WHO") }, 10_000);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.output.trim()).toBe("job");
    });

    it("delivers a config as a read-only file at its target path", SLOW, async () => {
      const target = join(h.dir, "etc", "app.conf");
      const request = await h.request(
        [
          "/bin/sh",
          "-c",
          `cat ${target}; if (echo x >> ${target}) 2>/dev/null; then echo writable; else echo read-only; fi`,
        ],
        { environment: env(), kind: "job" },
      );
      const configs = [{ name: "app", target, content: "answer=42\n", mode: 0o444 }];
      const result = await h.target.runJob({ ...request, configs }, 10_000);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.output).toContain("answer=42");
      expect(result.output).toContain("read-only");
    });

    it("execs a command with the instance's env", SLOW, async () => {
      const request = await h.request(fixtures.sleepCommand(30), {
        environment: env({ INSTANCE_VAR: "from-instance" }),
      });
      await h.start(request);
      const result = await h.target.exec(request, fixtures.echoEnvCommand("INSTANCE_VAR"), 10_000);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.output).toContain("from-instance");
    });

    it("lets a restarted agent adopt a live instance, and not once it stopped", SLOW, async () => {
      const handle = await h.start(await h.request(fixtures.sleepCommand(30), { environment: env() }));
      const restarted = await makeTarget(h.context);
      expect(await restarted.adopt([handle])).toEqual([handle]);
      expect(await restarted.inspect(handle)).toEqual({ state: "running" });
      expect((await restarted.stop(handle, "SIGTERM", 5000)).state).toBe("exited");
      expect(await restarted.adopt([handle])).toEqual([]);
    });

    it("neither adopts nor kills a process whose start time does not match the handle", SLOW, async () => {
      const handle = await h.start(await h.request(fixtures.sleepCommand(30), { environment: env() }));
      const tampered = { ...handle, startTime: handle.startTime === "0" ? "1" : "0" };
      expect(await h.target.adopt([tampered])).toEqual([]);
      expect((await h.target.stop(tampered, "SIGKILL", 0)).state).toBe("exited");
      expect(await h.target.inspect(handle)).toEqual({ state: "running" });
    });

    it("rejects a start whose command does not exist with E_TARGET_START", SLOW, async () => {
      const start = h.start(await h.request(["slipway-conformance-no-such-command"], { environment: env() }));
      await expect(start).rejects.toMatchObject({ code: "E_TARGET_START" });
      await expect(start).rejects.toThrow(/slipway-conformance-no-such-command/);
    });

    it("resolves waitForExit when the instance exits, also for a restarted agent", SLOW, async () => {
      const handle = await h.start(await h.request(fixtures.sleepCommand(0.3), { environment: env() }));
      const restarted = await makeTarget(h.context);
      const [own, adopted] = await Promise.all([h.target.waitForExit(handle), restarted.waitForExit(handle)]);
      expect(own).toEqual({ state: "exited", exitCode: 0, signal: null });
      expect(adopted.state).toBe("exited");
    });
  });
}

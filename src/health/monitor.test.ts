import { describe, expect, it } from "vitest";
import type { HealthConfig } from "./config.js";
import { HealthMonitor } from "./monitor.js";
import type { HealthStatus } from "./next-health.js";
import type { ProbeResult } from "./probe.js";
import { ManualScheduler } from "./test-support.js";

const config: HealthConfig = {
  intervalMs: 1000,
  timeoutMs: 300,
  retries: 2,
  startPeriodMs: 500,
  startIntervalMs: 100,
};

/** Answers probes from a script (true = pass) and records when each ran; a test double for a real probe. */
function scriptedCheck(scheduler: ManualScheduler, script: boolean[]) {
  const calls: { at: number; timeoutMs: number }[] = [];
  const check = async (timeoutMs: number): Promise<ProbeResult> => {
    calls.push({ at: scheduler.now(), timeoutMs });
    const ok = script.shift() ?? false;
    return { ok, output: ok ? "exit 0" : `exit 1 (probe ${calls.length})`, durationMs: 1 };
  };
  return { check, calls };
}

function monitorWith(script: boolean[], startedAt?: number) {
  const scheduler = new ManualScheduler();
  const { check, calls } = scriptedCheck(scheduler, script);
  const transitions: [HealthStatus, string][] = [];
  const monitor = new HealthMonitor({
    check,
    config,
    scheduler,
    startedAt,
    onTransition: (status, result) => transitions.push([status, result.output]),
  });
  return { scheduler, monitor, calls, transitions };
}

describe("HealthMonitor", () => {
  it("probes every start_interval during the start period, ignoring failures, then every interval", async () => {
    const { scheduler, monitor, calls, transitions } = monitorWith([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    await scheduler.advance(2600);
    expect(calls.map((c) => c.at)).toEqual([100, 200, 300, 400, 500, 1500, 2500]);
    expect(calls.every((c) => c.timeoutMs === 300)).toBe(true);
    // Probes at 500 and 1500 count; the second counted failure is unhealthy.
    expect(transitions).toEqual([["unhealthy", "exit 1 (probe 6)"]]);
    expect(monitor.status).toBe("unhealthy");
    expect(monitor.failingStreak).toBe(3);
    expect(monitor.lastResult?.output).toBe("exit 1 (probe 7)");
    monitor.stop();
  });

  it("becomes healthy on the first success in the start period and then probes every interval", async () => {
    const { scheduler, monitor, calls, transitions } = monitorWith([false, true, false, true]);
    await scheduler.advance(2200);
    expect(calls.map((c) => c.at)).toEqual([100, 200, 1200, 2200]);
    // After being healthy, a single failure (below retries) keeps it healthy.
    expect(transitions).toEqual([["healthy", "exit 0"]]);
    expect(monitor.status).toBe("healthy");
    monitor.stop();
  });

  it("recovers from unhealthy on a success", async () => {
    const { scheduler, monitor, transitions } = monitorWith([true, false, false, true]);
    await scheduler.advance(3100);
    expect(transitions.map(([status]) => status)).toEqual(["healthy", "unhealthy", "healthy"]);
    expect(monitor.failingStreak).toBe(0);
    monitor.stop();
  });

  it("counts the start period from startedAt", async () => {
    // Started 10 s before the monitor (an adopted instance): no start period left, so interval applies.
    const scheduler = new ManualScheduler();
    await scheduler.advance(10_000);
    const { check, calls } = scriptedCheck(scheduler, []);
    const monitor = new HealthMonitor({ check, config, scheduler, startedAt: 0 });
    await scheduler.advance(2000);
    expect(calls.map((c) => c.at)).toEqual([11_000, 12_000]);
    expect(monitor.status).toBe("unhealthy");
    monitor.stop();
  });

  it("stops probing after stop()", async () => {
    const { scheduler, monitor, calls } = monitorWith([]);
    await scheduler.advance(250);
    monitor.stop();
    await scheduler.advance(5000);
    expect(calls).toHaveLength(2);
  });

  it("drops the result of a probe still running when stopped", async () => {
    const scheduler = new ManualScheduler();
    let finish: (result: ProbeResult) => void = () => {};
    const transitions: HealthStatus[] = [];
    const monitor = new HealthMonitor({
      check: () => new Promise((resolve) => (finish = resolve)),
      config,
      scheduler,
      onTransition: (status) => transitions.push(status),
    });
    await scheduler.advance(100);
    monitor.stop();
    finish({ ok: true, output: "exit 0", durationMs: 1 });
    await scheduler.advance(1000);
    expect(transitions).toEqual([]);
    expect(monitor.lastResult).toBeUndefined();
  });

  it("treats a check that throws as a failed probe", async () => {
    const scheduler = new ManualScheduler();
    const monitor = new HealthMonitor({
      check: () => Promise.reject(new Error("target unreachable")),
      config: { ...config, startPeriodMs: 0, retries: 1 },
      scheduler,
    });
    await scheduler.advance(1000);
    expect(monitor.status).toBe("unhealthy");
    expect(monitor.lastResult?.output).toBe("target unreachable");
    monitor.stop();
  });
});

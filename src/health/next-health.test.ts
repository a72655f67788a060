import { describe, expect, it } from "vitest";
import type { HealthConfig } from "./config.js";
import { type HealthState, initialHealth, nextHealth, nextProbeDelay } from "./next-health.js";
import type { ProbeResult } from "./probe.js";

const config: HealthConfig = {
  intervalMs: 1000,
  timeoutMs: 500,
  retries: 3,
  startPeriodMs: 10_000,
  startIntervalMs: 200,
};
const pass: ProbeResult = { ok: true, output: "exit 0", durationMs: 5 };
const fail: ProbeResult = { ok: false, output: "exit 1", durationMs: 5 };
const state = (status: HealthState["status"], failingStreak: number): HealthState => ({
  status,
  startedAt: 0,
  failingStreak,
});

describe("nextHealth", () => {
  it.each<[string, HealthState, ProbeResult, number, HealthState]>([
    // start period: failures are ignored, a success counts at once
    ["failure in the start period is ignored", state("starting", 0), fail, 100, state("starting", 0)],
    [
      "failure just before the start period ends is ignored",
      state("starting", 0),
      fail,
      9_999,
      state("starting", 0),
    ],
    ["success in the start period → healthy", state("starting", 0), pass, 100, state("healthy", 0)],
    // after the start period, failures count while starting
    ["failure as the start period ends counts", state("starting", 0), fail, 10_000, state("starting", 1)],
    ["second failure after the start period", state("starting", 1), fail, 11_000, state("starting", 2)],
    ["retries-th failure → unhealthy", state("starting", 2), fail, 12_000, state("unhealthy", 3)],
    [
      "success while starting after the start period → healthy",
      state("starting", 2),
      pass,
      12_000,
      state("healthy", 0),
    ],
    // once healthy, failures count even inside the start period
    [
      "failure when healthy, inside the start period, counts",
      state("healthy", 0),
      fail,
      500,
      state("healthy", 1),
    ],
    ["healthy stays healthy below retries", state("healthy", 1), fail, 20_000, state("healthy", 2)],
    ["healthy → unhealthy at retries", state("healthy", 2), fail, 20_000, state("unhealthy", 3)],
    ["success resets the streak", state("healthy", 2), pass, 20_000, state("healthy", 0)],
    // unhealthy until the next success
    [
      "unhealthy stays unhealthy and keeps counting",
      state("unhealthy", 3),
      fail,
      30_000,
      state("unhealthy", 4),
    ],
    ["recovery: success → healthy", state("unhealthy", 7), pass, 30_000, state("healthy", 0)],
  ])("%s", (_name, before, result, now, after) => {
    expect(nextHealth(before, result, now, config)).toEqual(after);
  });

  it("with no start period, the first failure counts", () => {
    const noStart = { ...config, startPeriodMs: 0 };
    expect(nextHealth(initialHealth(0), fail, 0, noStart)).toEqual(state("starting", 1));
  });

  it("with retries 1, one counted failure is unhealthy", () => {
    const once = { ...config, retries: 1, startPeriodMs: 0 };
    expect(nextHealth(initialHealth(0), fail, 50, once)).toEqual(state("unhealthy", 1));
  });

  it("measures the start period from startedAt", () => {
    const late: HealthState = { status: "starting", startedAt: 50_000, failingStreak: 0 };
    expect(nextHealth(late, fail, 59_000, config)).toBe(late);
    expect(nextHealth(late, fail, 60_000, config).failingStreak).toBe(1);
  });
});

describe("nextProbeDelay", () => {
  it.each<[string, HealthState, number, number]>([
    ["start_interval while starting in the start period", state("starting", 0), 100, 200],
    ["interval once the start period is over", state("starting", 0), 10_000, 1000],
    ["interval once healthy, even inside the start period", state("healthy", 0), 100, 1000],
    ["interval when unhealthy", state("unhealthy", 3), 20_000, 1000],
  ])("%s", (_name, current, now, delay) => {
    expect(nextProbeDelay(current, now, config)).toBe(delay);
  });
});

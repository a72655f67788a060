import type { HealthConfig } from "./config.js";
import type { ProbeResult } from "./probe.js";

/** `starting` until the first success or until `retries` failures after the start period. */
export type HealthStatus = "starting" | "healthy" | "unhealthy";

/** What the health state machine remembers between probes. */
export interface HealthState {
  readonly status: HealthStatus;
  /** When the instance started (ms); the start period counts from here. */
  readonly startedAt: number;
  /** Failures in a row that counted (those in the start period do not). */
  readonly failingStreak: number;
}

export function initialHealth(startedAt: number): HealthState {
  return { status: "starting", startedAt, failingStreak: 0 };
}

/** True while failures do not count: still `starting` and inside the start period. */
function inStartPeriod(state: HealthState, now: number, config: HealthConfig): boolean {
  return state.status === "starting" && now - state.startedAt < config.startPeriodMs;
}

/**
 * Docker's healthcheck rules. `now` is when the probe started (Docker compares the probe's start with the
 * start period). A success makes the instance healthy at once and resets the streak; a failure inside the
 * start period is ignored; otherwise `retries` failures in a row make it unhealthy until the next success.
 */
export function nextHealth(
  state: HealthState,
  result: ProbeResult,
  now: number,
  config: HealthConfig,
): HealthState {
  if (result.ok) return { ...state, status: "healthy", failingStreak: 0 };
  if (inStartPeriod(state, now, config)) return state;
  const failingStreak = state.failingStreak + 1;
  return { ...state, failingStreak, status: failingStreak >= config.retries ? "unhealthy" : state.status };
}

/** Wait before the next probe: `start_interval` while starting inside the start period, else `interval`. */
export function nextProbeDelay(state: HealthState, now: number, config: HealthConfig): number {
  return inStartPeriod(state, now, config) ? config.startIntervalMs : config.intervalMs;
}

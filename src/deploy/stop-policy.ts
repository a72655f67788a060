import { nodeSignal } from "../host/signals.js";
import type { ServiceSpec } from "../manifest/model.js";

/** How an instance of a service leaves: drained for `drain_timeout`, then its stop signal, then SIGKILL after the grace period. */
export interface StopPolicy {
  readonly signal: NodeJS.Signals;
  /** `stop_grace_period`. Default 10 s. */
  readonly graceMs: number;
  /** `x-slipway.drain_timeout`: how long in-flight requests and WebSockets get. Default 30 s. */
  readonly drainTimeoutMs: number;
}

export function stopPolicy(service: ServiceSpec | undefined): StopPolicy {
  return {
    signal: nodeSignal(service?.stop_signal),
    graceMs: service?.stop_grace_period?.ms ?? 10_000,
    drainTimeoutMs: service?.["x-slipway"].drain_timeout.ms ?? 30_000,
  };
}

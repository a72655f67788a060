import type { HealthConfig } from "./config.js";
import { HealthMonitor } from "./monitor.js";
import type { Probe, ProbeExec, ProbeResult } from "./probe.js";
import { deadlineReason, unhealthyReason } from "./reason.js";
import { runProbe } from "./run-probe.js";
import { type HealthScheduler, systemScheduler } from "./scheduler.js";

export interface WaitUntilHealthyOptions {
  readonly exec: ProbeExec;
  /** Longest wait in ms, counted from the call. */
  readonly deadlineMs: number;
  /** Aborting stops probing and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** When the instance started, for the start period. Default: now. */
  readonly startedAt?: number | undefined;
  /** Default: wall clock and `setTimeout`. */
  readonly scheduler?: HealthScheduler | undefined;
}

export type HealthWaitResult =
  | { readonly healthy: true }
  | { readonly healthy: false; readonly reason: string; readonly lastResult?: ProbeResult | undefined };

/**
 * Gate for start order and rollouts: healthy as soon as one probe passes; not healthy when the healthcheck
 * declares the instance unhealthy or the deadline passes first. The reason names the probe and its last output.
 */
export function waitUntilHealthy(
  probe: Probe,
  config: HealthConfig,
  options: WaitUntilHealthyOptions,
): Promise<HealthWaitResult> {
  const { exec, deadlineMs, signal } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const settle = (settleWith: () => void): void => {
      monitor.stop();
      cancelDeadline();
      signal?.removeEventListener("abort", onAbort);
      settleWith();
    };
    const onAbort = (): void => settle(() => reject(signal?.reason));
    const monitor = new HealthMonitor({
      check: (timeoutMs) => runProbe(probe, { exec, timeoutMs }),
      config,
      startedAt: options.startedAt,
      scheduler,
      onTransition: (status, lastResult) => {
        if (status === "healthy") settle(() => resolve({ healthy: true }));
        else if (status === "unhealthy") {
          const reason = unhealthyReason(probe, monitor.failingStreak, lastResult);
          settle(() => resolve({ healthy: false, reason, lastResult }));
        }
      },
    });
    const cancelDeadline = scheduler.after(deadlineMs, () => {
      const lastResult = monitor.lastResult;
      settle(() =>
        resolve({ healthy: false, reason: deadlineReason(probe, deadlineMs, lastResult), lastResult }),
      );
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

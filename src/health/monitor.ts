import type { HealthConfig } from "./config.js";
import {
  type HealthState,
  type HealthStatus,
  initialHealth,
  nextHealth,
  nextProbeDelay,
} from "./next-health.js";
import { errorText, type ProbeResult } from "./probe.js";
import { type HealthScheduler, systemScheduler } from "./scheduler.js";

export interface HealthMonitorOptions {
  /** Runs one probe with the given timeout, e.g. `(timeoutMs) => runProbe(probe, { exec, timeoutMs })`. */
  readonly check: (timeoutMs: number) => Promise<ProbeResult>;
  readonly config: HealthConfig;
  /** Called when the status changes, with the probe result that changed it. Default: nothing. */
  readonly onTransition?: ((status: HealthStatus, lastResult: ProbeResult) => void) | undefined;
  /** When the instance started; the start period counts from here (adopted instances started earlier). Default: now. */
  readonly startedAt?: number | undefined;
  /** Default: wall clock and `setTimeout`. */
  readonly scheduler?: HealthScheduler | undefined;
}

/**
 * Probes an instance the way Docker does, from construction until `stop()`: the first probe one interval
 * after start, then one interval after each probe ends. Probes never overlap.
 */
export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  readonly #scheduler: HealthScheduler;
  #state: HealthState;
  #lastResult: ProbeResult | undefined;
  #cancelNext: (() => void) | undefined;
  #stopped = false;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#state = initialHealth(options.startedAt ?? this.#scheduler.now());
    this.#scheduleNext();
  }

  get status(): HealthStatus {
    return this.#state.status;
  }

  /** Counted failures in a row. */
  get failingStreak(): number {
    return this.#state.failingStreak;
  }

  get lastResult(): ProbeResult | undefined {
    return this.#lastResult;
  }

  /** No further probes; the result of a probe still running is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#cancelNext?.();
    this.#cancelNext = undefined;
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    const delay = nextProbeDelay(this.#state, this.#scheduler.now(), this.#options.config);
    this.#cancelNext = this.#scheduler.after(delay, () => void this.#probeOnce());
  }

  async #probeOnce(): Promise<void> {
    this.#cancelNext = undefined;
    const startedAt = this.#scheduler.now();
    const result = await this.#options
      .check(this.#options.config.timeoutMs)
      .catch((error: unknown): ProbeResult => ({ ok: false, output: errorText(error), durationMs: 0 }));
    if (this.#stopped) return;
    const before = this.#state.status;
    this.#state = nextHealth(this.#state, result, startedAt, this.#options.config);
    this.#lastResult = result;
    // Scheduled before the callback so a callback that calls stop() cancels it.
    this.#scheduleNext();
    if (this.#state.status !== before) this.#options.onTransition?.(this.#state.status, result);
  }
}

/** Time as the health monitor sees it; tests substitute a manual clock. */
export interface HealthScheduler {
  now(): number;
  /** Calls `run` after `delayMs`; the returned function cancels it. */
  after(delayMs: number, run: () => void): () => void;
}

/** Wall clock and `setTimeout`. */
export const systemScheduler: HealthScheduler = {
  now: () => Date.now(),
  after(delayMs, run) {
    const timer = setTimeout(run, delayMs);
    return () => clearTimeout(timer);
  },
};

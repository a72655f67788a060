/** When and how often a health monitor probes, with Docker's defaults. All times in milliseconds. */
export interface HealthConfig {
  /** Between probes once the start period is over (or the instance was healthy once). Default 30 s. */
  readonly intervalMs: number;
  /** Longest one probe may take; a slower probe fails. Default 30 s. */
  readonly timeoutMs: number;
  /** Consecutive failures that make an instance unhealthy. Default 3. */
  readonly retries: number;
  /** Time after start during which failures do not count. Default 0. */
  readonly startPeriodMs: number;
  /** Between probes during the start period. Default 5 s. */
  readonly startIntervalMs: number;
}

export const DEFAULT_HEALTH_CONFIG: HealthConfig = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
};

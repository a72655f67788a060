/** What the router measured for one version during a canary step. */
export interface VersionMeasure {
  readonly requests: number;
  /** 5xx answers and requests that could not be proxied. */
  readonly errors: number;
  readonly p95Ms: number;
  /** Completed requests per latency bucket (see version-stats.ts), for windowed percentiles. */
  readonly latencyBuckets?: readonly number[] | undefined;
}

/** A person's call during a paused canary: go on (`slipway promote`) or give up (`slipway abort`). */
export type CanaryDecision = "promote" | "abort";

/** What traffic-shifting strategies need from the router, through the agent. */
export interface TrafficControl {
  /** Explicit weights by version for a service's routes (undefined: by number of ready instances); resolves once served. */
  setWeights(
    project: string,
    service: string,
    weights: Readonly<Record<string, number>> | undefined,
  ): Promise<void>;
  /** The router's per-version figures for a service's HTTP routes since the last reset, summed over its routes. */
  measure(project: string, service: string): Promise<Record<string, VersionMeasure>>;
  resetMeasure(project: string, service: string): Promise<void>;
  /** Completed requests per latency bucket of each of a service's HTTP routes (by route id), all versions together. */
  measureRoutes(project: string, service: string): Promise<Record<string, readonly number[]>>;
  /** Resolves with a person's decision, or undefined when `ms` passes first. */
  waitForDecision(project: string, ms: number): Promise<CanaryDecision | undefined>;
}

/** Traffic of one version of a route since the last reset, for canary analysis. */
export interface VersionSample {
  readonly requests: number;
  /** 5xx answers plus connections the version's upstreams refused. */
  readonly errors: number;
  /** 95th percentile of the completed requests' durations; null when none completed. */
  readonly p95Ms: number | null;
  /** Completed requests per latency bucket (upper bounds LATENCY_BUCKETS_MS, then +Inf), never sampled away. */
  readonly latencyBuckets: readonly number[];
}

/** Upper bounds (ms) of the latency buckets the router counts requests in; a last bucket holds the rest. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;

const bucketOf = (ms: number) => {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return index < 0 ? LATENCY_BUCKETS_MS.length : index;
};

/** Past this many durations per version, a uniform reservoir sample stands for them (Algorithm R). */
const RESERVOIR = 10_000;

interface Tally {
  requests: number;
  errors: number;
  seen: number;
  durations: number[];
  buckets: number[];
}

/** Per route and version: request and error counts and a latency sample, since `reset(route)`. */
export class VersionStats {
  private readonly routes = new Map<string, Map<string, Tally>>();

  constructor(private readonly random: () => number = Math.random) {}

  /** One request (or one refused connection, without a duration). */
  record(routeId: string, version: string, outcome: { error: boolean; durationMs?: number }): void {
    let versions = this.routes.get(routeId);
    if (!versions) {
      versions = new Map();
      this.routes.set(routeId, versions);
    }
    let tally = versions.get(version);
    if (!tally) {
      tally = { requests: 0, errors: 0, seen: 0, durations: [], buckets: [] };
      versions.set(version, tally);
    }
    tally.requests++;
    if (outcome.error) tally.errors++;
    if (outcome.durationMs === undefined) return;
    tally.seen++;
    const bucket = bucketOf(outcome.durationMs);
    tally.buckets[bucket] = (tally.buckets[bucket] ?? 0) + 1;
    if (tally.durations.length < RESERVOIR) tally.durations.push(outcome.durationMs);
    else {
      const slot = Math.floor(this.random() * tally.seen);
      if (slot < RESERVOIR) tally.durations[slot] = outcome.durationMs;
    }
  }

  snapshot(routeId: string): Record<string, VersionSample> {
    const out: Record<string, VersionSample> = {};
    for (const [version, tally] of this.routes.get(routeId) ?? []) {
      out[version] = {
        requests: tally.requests,
        errors: tally.errors,
        p95Ms: percentile(tally.durations, 0.95),
        latencyBuckets: Array.from(
          { length: LATENCY_BUCKETS_MS.length + 1 },
          (_, i) => tally.buckets[i] ?? 0,
        ),
      };
    }
    return out;
  }

  reset(routeId: string): void {
    this.routes.delete(routeId);
  }
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

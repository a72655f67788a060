/** Traffic of one version of a route since the last reset, for canary analysis. */
export interface VersionSample {
  readonly requests: number;
  /** 5xx answers plus connections the version's upstreams refused. */
  readonly errors: number;
  /** 95th percentile of the completed requests' durations; null when none completed. */
  readonly p95Ms: number | null;
}

/** Past this many durations per version, a uniform reservoir sample stands for them (Algorithm R). */
const RESERVOIR = 10_000;

interface Tally {
  requests: number;
  errors: number;
  seen: number;
  durations: number[];
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
      tally = { requests: 0, errors: 0, seen: 0, durations: [] };
      versions.set(version, tally);
    }
    tally.requests++;
    if (outcome.error) tally.errors++;
    if (outcome.durationMs === undefined) return;
    tally.seen++;
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

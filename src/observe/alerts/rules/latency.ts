import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

interface Sample {
  readonly ts: number;
  readonly buckets: readonly number[];
}

/**
 * The `q` quantile of requests counted per bucket (upper bounds `bounds`, then +Inf),
 * interpolated linearly inside its bucket as Prometheus's `histogram_quantile` does; a quantile in
 * the last bucket is its lower bound. Undefined without requests.
 */
export function bucketQuantile(
  buckets: readonly number[],
  bounds: readonly number[],
  q: number,
): number | undefined {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] ?? 0;
    if (below + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds.at(-1);
}

/**
 * `latency_p95`: a proxied HTTP route's 95th percentile of request durations over the last `window`
 * is above `ms`, over at least `min_requests` completed requests. The router's bucket counts only
 * grow (until it restarts or a canary step resets them): the window's counts are the difference
 * from the newest sample at least a window old; a count that went back starts the window afresh.
 */
export class LatencyRule {
  private readonly samples = new Map<string, Sample[]>();

  evaluate(facts: AlertFacts): AlertCondition[] {
    const out: AlertCondition[] = [];
    const seen = new Set<string>();
    for (const p of facts.projects) {
      const { ms, windowMs, minRequests } = p.settings.latency;
      for (const r of p.latency) {
        const key = `${p.project}/${r.service}/${r.route}`;
        seen.add(key);
        let samples = this.samples.get(key) ?? [];
        const last = samples.at(-1);
        if (last && r.buckets.some((n, i) => n < (last.buckets[i] ?? 0))) samples = [];
        samples.push({ ts: facts.now, buckets: r.buckets });
        const baseIndex = samples.findLastIndex((s) => facts.now - s.ts >= windowMs);
        if (baseIndex > 0) samples = samples.slice(baseIndex);
        this.samples.set(key, samples);
        const base = samples[0]!;
        const window = r.buckets.map((n, i) => n - (base.buckets[i] ?? 0));
        const requests = window.reduce((sum, n) => sum + n, 0);
        const p95 = bucketQuantile(window, r.bounds, 0.95);
        if (requests < minRequests || p95 === undefined || p95 <= ms) continue;
        out.push({
          rule: "latency_p95",
          key: `latency_p95:${key}`,
          project: p.project,
          service: r.service,
          severity: "warning",
          summary: `${p.project}/${r.service} ${r.route}: p95 latency ${Math.round(p95)} ms over ${requests} requests in the last ${Math.round((facts.now - base.ts) / 1000)} s (alert above ${ms} ms)`,
        });
      }
    }
    for (const key of this.samples.keys()) if (!seen.has(key)) this.samples.delete(key);
    return out;
  }
}

import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

interface Sample {
  readonly ts: number;
  readonly requests: number;
  readonly errors: number;
}

/**
 * `error_rate`: a routed service answered more than `percent` of its requests in the last `window`
 * with 5xx or failed them, over at least `min_requests`. The router's counters only grow (until it
 * restarts or a canary resets them), so the rate is the difference between now and the newest
 * sample at least a window old; a counter that went back starts the window afresh.
 */
export class ErrorRateRule {
  private readonly samples = new Map<string, Sample[]>();

  evaluate(facts: AlertFacts): AlertCondition[] {
    const out: AlertCondition[] = [];
    const seen = new Set<string>();
    for (const p of facts.projects) {
      const { percent, windowMs, minRequests } = p.settings.errorRate;
      for (const t of p.traffic) {
        const key = `${p.project}/${t.service}`;
        seen.add(key);
        let samples = this.samples.get(key) ?? [];
        const last = samples.at(-1);
        if (last && (t.requests < last.requests || t.errors < last.errors)) samples = [];
        samples.push({ ts: facts.now, requests: t.requests, errors: t.errors });
        // Keep the newest sample at least a window old as the base, and everything after it.
        const baseIndex = samples.findLastIndex((s) => facts.now - s.ts >= windowMs);
        if (baseIndex > 0) samples = samples.slice(baseIndex);
        this.samples.set(key, samples);
        const base = samples[0]!;
        const requests = t.requests - base.requests;
        const errors = t.errors - base.errors;
        if (requests < minRequests || (100 * errors) / requests <= percent) continue;
        out.push({
          rule: "error_rate",
          key: `error_rate:${key}`,
          project: p.project,
          service: t.service,
          severity: "critical",
          summary: `${key}: ${((100 * errors) / requests).toFixed(1)}% of ${requests} requests failed in the last ${Math.round((facts.now - base.ts) / 1000)} s (alert above ${percent}%)`,
        });
      }
    }
    for (const key of this.samples.keys()) if (!seen.has(key)) this.samples.delete(key);
    return out;
  }
}

import type { VersionMeasure } from "../../router/traffic-control.js";

export interface CanaryThresholds {
  readonly maxErrorRate: number;
  readonly maxP95Ms?: number | undefined;
  readonly minRequests: number;
}

export type CanaryVerdict =
  | { readonly kind: "pass"; readonly summary: string }
  | { readonly kind: "fail"; readonly summary: string }
  /** Too little traffic to judge: never a pass. */
  | { readonly kind: "inconclusive"; readonly summary: string };

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

/**
 * Judges one canary step on the router's own numbers: the canary must have seen enough requests,
 * stay under the error-rate threshold and the p95 latency threshold. The stable version's figures
 * are reported beside the canary's so a person can compare.
 */
export function judgeCanaryStep(
  canary: VersionMeasure,
  stable: VersionMeasure | undefined,
  thresholds: CanaryThresholds,
): CanaryVerdict {
  const rate = canary.requests > 0 ? canary.errors / canary.requests : 0;
  const stableText =
    stable && stable.requests > 0
      ? ` (stable: ${percent(stable.errors / stable.requests)} errors, p95 ${Math.round(stable.p95Ms)} ms)`
      : "";
  const figures = `${canary.requests} requests, ${percent(rate)} errors, p95 ${Math.round(canary.p95Ms)} ms${stableText}`;
  if (canary.requests < thresholds.minRequests) {
    return {
      kind: "inconclusive",
      summary: `canary saw ${canary.requests} requests, fewer than min_requests ${thresholds.minRequests}`,
    };
  }
  if (rate > thresholds.maxErrorRate) {
    return {
      kind: "fail",
      summary: `canary error rate ${percent(rate)} is above max_error_rate ${percent(thresholds.maxErrorRate)}: ${figures}`,
    };
  }
  if (thresholds.maxP95Ms !== undefined && canary.p95Ms > thresholds.maxP95Ms) {
    return {
      kind: "fail",
      summary: `canary p95 latency ${Math.round(canary.p95Ms)} ms is above max_p95_latency ${thresholds.maxP95Ms} ms: ${figures}`,
    };
  }
  return { kind: "pass", summary: figures };
}

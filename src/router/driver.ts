import type { AppSpec } from "../manifest/model.js";
import type { RouterConfig } from "./model.js";
import type { VersionMeasure } from "./traffic-control.js";

/** `x-slipway.router.driver`: which data plane serves the route table. Default `builtin`. */
export type RouterDriverName = AppSpec["x-slipway"]["router"]["driver"];

/** An instance as a driver finds it: the builtin router knows it by id, nginx by its address. */
export interface UpstreamRef {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/**
 * A router data plane (the builtin Node router, nginx) as the control stage drives it. Every
 * driver passes the suite in `driver-suite/suite.ts`: weights honoured, draining without a cut request,
 * WebSockets proxied and drained, TLS served, per-version figures measured and reset.
 */
export interface RouterDriver {
  readonly name: RouterDriverName;
  /** Serves `config` (starting the data plane if needed); resolves once it is served. */
  apply(config: RouterConfig): Promise<void>;
  /** Requests, WebSockets and TCP connections still open on an instance (0 when none or unknown). */
  inFlight(upstream: UpstreamRef): Promise<number>;
  /** Per version, summed over `routeIds`: requests, errors and p95 latency since the last reset. */
  measure(routeIds: readonly string[]): Promise<Record<string, VersionMeasure>>;
  /** Starts the figures of `routeIds` again from zero. */
  resetMeasure(routeIds: readonly string[]): Promise<void>;
  /** It was given routes and its process is gone (crashed or killed): apply again to revive it. */
  isDown(): boolean;
  /** Stops the data plane; requests in flight finish first (bounded by the driver). */
  stop(): Promise<void>;
}

/** Sums per-version figures of several routes: counts and latency buckets add up, p95 is the worst route's. */
export function sumMeasures(
  perRoute: readonly Readonly<
    Record<
      string,
      {
        requests: number;
        errors: number;
        p95Ms: number | null;
        latencyBuckets?: readonly number[] | undefined;
      }
    >
  >[],
): Record<string, VersionMeasure> {
  const total: Record<string, { requests: number; errors: number; p95Ms: number; latencyBuckets: number[] }> =
    {};
  for (const figures of perRoute) {
    for (const [version, sample] of Object.entries(figures)) {
      const entry = total[version] ?? { requests: 0, errors: 0, p95Ms: 0, latencyBuckets: [] };
      total[version] = entry;
      entry.requests += sample.requests;
      entry.errors += sample.errors;
      entry.p95Ms = Math.max(entry.p95Ms, sample.p95Ms ?? 0);
      (sample.latencyBuckets ?? []).forEach((count, i) => {
        entry.latencyBuckets[i] = (entry.latencyBuckets[i] ?? 0) + count;
      });
    }
  }
  return total;
}

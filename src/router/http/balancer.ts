import type { Upstream, UpstreamSet } from "../model.js";

/** The upstream a new request or connection goes to, and the version (set) it belongs to. */
export interface Choice {
  readonly set: UpstreamSet;
  readonly upstream: Upstream;
}

/**
 * Spreads new requests over a route's sets by weight (smooth weighted round robin, so 90/10 gives
 * exactly 9 of every 10 to the first set), then round robin over the set's usable upstreams.
 * The counters live here, keyed by route id, so an `apply` does not reset the shares.
 */
export class Balancer {
  private readonly currentWeights = new Map<string, Map<string, number>>();
  /** By route id, then version: where the round robin inside the set goes on. */
  private readonly cursors = new Map<string, Map<string, number>>();

  /** `usable` says whether an upstream may take this request (active, not ejected, not tried yet). */
  pick(
    routeId: string,
    sets: readonly UpstreamSet[],
    usable: (upstream: Upstream) => boolean,
  ): Choice | undefined {
    let weights: Map<string, number> | undefined;
    let total = 0;
    let best: UpstreamSet | undefined;
    let bestWeight = 0;
    for (const set of sets) {
      if (set.weight <= 0 || !set.upstreams.some(usable)) continue;
      weights ??= this.weightsOf(routeId);
      total += set.weight;
      const current = (weights.get(set.version) ?? 0) + set.weight;
      weights.set(set.version, current);
      if (!best || current > bestWeight) {
        best = set;
        bestWeight = current;
      }
    }
    if (!best || !weights) return undefined;
    weights.set(best.version, bestWeight - total);
    const upstream = this.nextInSet(routeId, best, usable);
    return upstream && { set: best, upstream };
  }

  private weightsOf(routeId: string): Map<string, number> {
    let weights = this.currentWeights.get(routeId);
    if (!weights) {
      weights = new Map();
      this.currentWeights.set(routeId, weights);
    }
    return weights;
  }

  private nextInSet(
    routeId: string,
    set: UpstreamSet,
    usable: (upstream: Upstream) => boolean,
  ): Upstream | undefined {
    let cursors = this.cursors.get(routeId);
    if (!cursors) {
      cursors = new Map();
      this.cursors.set(routeId, cursors);
    }
    const { upstreams } = set;
    const start = cursors.get(set.version) ?? 0;
    for (let offset = 0; offset < upstreams.length; offset++) {
      const index = (start + offset) % upstreams.length;
      const upstream = upstreams[index]!;
      if (usable(upstream)) {
        cursors.set(set.version, index + 1);
        return upstream;
      }
    }
    return undefined;
  }

  /** Forgets the counters of routes that are gone. */
  retain(routeIds: ReadonlySet<string>): void {
    for (const routeId of this.currentWeights.keys())
      if (!routeIds.has(routeId)) this.currentWeights.delete(routeId);
    for (const routeId of this.cursors.keys()) if (!routeIds.has(routeId)) this.cursors.delete(routeId);
  }
}

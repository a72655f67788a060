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
  private readonly cursors = new Map<string, number>();

  /** `usable` says whether an upstream may take this request (active, not ejected, not tried yet). */
  pick(
    routeId: string,
    sets: readonly UpstreamSet[],
    usable: (upstream: Upstream) => boolean,
  ): Choice | undefined {
    const candidates = sets.filter((set) => set.weight > 0 && set.upstreams.some(usable));
    if (candidates.length === 0) return undefined;
    const weights = this.currentWeights.get(routeId) ?? new Map<string, number>();
    this.currentWeights.set(routeId, weights);
    let total = 0;
    let best: UpstreamSet | undefined;
    for (const set of candidates) {
      total += set.weight;
      const current = (weights.get(set.version) ?? 0) + set.weight;
      weights.set(set.version, current);
      if (!best || current > (weights.get(best.version) ?? 0)) best = set;
    }
    if (!best) return undefined;
    weights.set(best.version, (weights.get(best.version) ?? 0) - total);
    const upstream = this.nextInSet(`${routeId}\u0000${best.version}`, best.upstreams, usable);
    return upstream && { set: best, upstream };
  }

  private nextInSet(
    key: string,
    upstreams: readonly Upstream[],
    usable: (upstream: Upstream) => boolean,
  ): Upstream | undefined {
    const start = this.cursors.get(key) ?? 0;
    for (let offset = 0; offset < upstreams.length; offset++) {
      const index = (start + offset) % upstreams.length;
      const upstream = upstreams[index]!;
      if (usable(upstream)) {
        this.cursors.set(key, index + 1);
        return upstream;
      }
    }
    return undefined;
  }

  /** Forgets the counters of routes that are gone. */
  retain(routeIds: ReadonlySet<string>): void {
    for (const routeId of this.currentWeights.keys())
      if (!routeIds.has(routeId)) this.currentWeights.delete(routeId);
    for (const key of this.cursors.keys())
      if (!routeIds.has(key.slice(0, key.indexOf("\u0000")))) this.cursors.delete(key);
  }
}

import type { RouterConfig } from "../model.js";
import type { LongLivedConnection } from "./inflight.js";

type UpstreamState = "active" | "draining" | "gone";

/** Where an upstream stands in a configuration, as seen by one route. */
function upstreamState(config: RouterConfig, routeId: string, upstreamId: string): UpstreamState {
  const route = config.routes.find((candidate) => candidate.id === routeId);
  if (!route || route.kind === "static") return "gone";
  for (const set of route.sets)
    for (const upstream of set.upstreams) if (upstream.id === upstreamId) return upstream.state;
  return "gone";
}

function drainTimeoutOf(config: RouterConfig, connection: LongLivedConnection): number {
  const route = config.routes.find((candidate) => candidate.id === connection.routeId);
  return route && route.kind !== "static" ? route.drainTimeoutMs : connection.drainTimeoutMs;
}

/**
 * Long-lived connections on an upstream that is draining (or gone) stay open until the route's
 * `drainTimeoutMs`, counted from when the drain was first seen; then they are closed gracefully.
 * An upstream that becomes active again (a rollback) keeps its connections.
 */
export class DrainScheduler {
  private readonly timers = new Map<LongLivedConnection, NodeJS.Timeout>();

  /** Called on every apply, and for each new connection (it may race with an apply). */
  review(connections: Iterable<LongLivedConnection>, config: RouterConfig): void {
    for (const connection of connections) {
      const state = upstreamState(config, connection.routeId, connection.upstreamId);
      const timer = this.timers.get(connection);
      if (state === "active") {
        if (timer) clearTimeout(timer);
        this.timers.delete(connection);
      } else if (!timer) {
        const close = () => {
          this.timers.delete(connection);
          connection.drainClose();
        };
        this.timers.set(connection, setTimeout(close, drainTimeoutOf(config, connection)));
      }
    }
  }

  forget(connection: LongLivedConnection): void {
    const timer = this.timers.get(connection);
    if (timer) clearTimeout(timer);
    this.timers.delete(connection);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

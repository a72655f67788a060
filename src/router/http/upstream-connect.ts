import type { Choice } from "./balancer.js";
import type { ProxiedRoute, RouterContext } from "./context.js";
import type { UpstreamErrorReason } from "./metrics.js";

/** What `connect` returns when no connection could be made: nothing was sent, another upstream may try. */
export class ConnectFailed {
  constructor(readonly reason: UpstreamErrorReason) {}
}

export type Acquired<T> =
  | { readonly kind: "connected"; readonly route: ProxiedRoute; readonly choice: Choice; readonly value: T }
  /** No upstream took the connection before the deadline (none active, or all refused). */
  | { readonly kind: "unavailable" }
  | { readonly kind: "aborted" };

export interface AcquireRequest<T> {
  readonly routeId: string;
  /** `Date.now()` after which the request stops waiting (arrival + `queueTimeoutMs`). */
  readonly deadlineMs: number;
  /** Upstreams this request already tried; skipped until the next round. */
  readonly tried: Set<string>;
  readonly aborted: () => boolean;
  readonly connect: (choice: Choice, route: ProxiedRoute) => Promise<T | ConnectFailed>;
}

/**
 * Finds an upstream that accepts a connection: balanced choice among active upstreams, passive
 * ejection of those that refuse, a retry on the next one (nothing was sent yet). While no upstream
 * is available (a recreate, a restart) it waits for the next `apply`, or retries every
 * `queueRetryMs`, until the deadline. The route is looked up again each round, so an `apply` that
 * adds upstreams is seen.
 */
export async function acquireUpstream<T>(
  context: RouterContext,
  request: AcquireRequest<T>,
): Promise<Acquired<T>> {
  const { tried } = request;
  for (;;) {
    if (request.aborted()) return { kind: "aborted" };
    const route = context.snapshot()?.routesById.get(request.routeId);
    if (!route || route.kind === "static") return { kind: "unavailable" };
    const usable = (upstream: { id: string; state: string }) =>
      upstream.state === "active" && !tried.has(upstream.id);
    const choice =
      context.balancer.pick(route.id, route.sets, (u) => usable(u) && !context.ejection.isEjected(u.id)) ??
      // All usable upstreams are ejected: try them anyway rather than fail (a lone instance restarting).
      context.balancer.pick(route.id, route.sets, usable);
    if (choice) {
      const value = await request.connect(choice, route);
      if (!(value instanceof ConnectFailed)) return { kind: "connected", route, choice, value };
      tried.add(choice.upstream.id);
      context.ejection.eject(choice.upstream.id);
      const labels = {
        project: route.project,
        service: route.service,
        route: route.id,
        version: choice.set.version,
      };
      context.metrics.upstreamError(labels, choice.upstream.id, value.reason);
      context.stats.record(route.id, choice.set.version, { error: true });
      continue;
    }
    const remaining = request.deadlineMs - Date.now();
    if (remaining <= 0) return { kind: "unavailable" };
    await context.waitForChange(Math.min(remaining, context.settings.queueRetryMs));
    tried.clear();
  }
}

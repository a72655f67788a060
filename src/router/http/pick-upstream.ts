import type { Upstream } from "../model.js";
import type { Choice } from "./balancer.js";
import type { RouterContext } from "./context.js";

const active = (upstream: Upstream) => upstream.state === "active";

/** The predicate of a first send (active, not ejected) per router, made once rather than per request. */
const freshPicks = new WeakMap<RouterContext, (upstream: Upstream) => boolean>();
export function activeNotEjected(context: RouterContext): (upstream: Upstream) => boolean {
  let usable = freshPicks.get(context);
  if (!usable) {
    usable = (upstream) => upstream.state === "active" && !context.ejection.isEjected(upstream.id);
    freshPicks.set(context, usable);
  }
  return usable;
}

/**
 * The upstream for the next send of a request of route `routeId`, as `acquireUpstream` picks it:
 * balanced among the active ones not `tried` yet and not ejected; when all those are ejected, one
 * of them anyway (a lone instance restarting); undefined when none is active.
 */
export function pickUpstream(
  context: RouterContext,
  routeId: string,
  tried: ReadonlySet<string> | undefined,
): Choice | undefined {
  const route = context.snapshot()?.routesById.get(routeId);
  if (route?.kind !== "http") return undefined;
  if (tried === undefined)
    return (
      context.balancer.pick(route.id, route.sets, activeNotEjected(context)) ??
      context.balancer.pick(route.id, route.sets, active)
    );
  const usable = (u: Upstream) => u.state === "active" && !tried.has(u.id);
  return (
    context.balancer.pick(route.id, route.sets, (u) => usable(u) && !context.ejection.isEjected(u.id)) ??
    context.balancer.pick(route.id, route.sets, usable)
  );
}

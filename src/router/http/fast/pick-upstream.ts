import type { Upstream } from "../../model.js";
import type { Choice } from "../balancer.js";
import type { RouterContext } from "../context.js";

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
  const usable = (u: Upstream) => u.state === "active" && (tried === undefined || !tried.has(u.id));
  return (
    context.balancer.pick(route.id, route.sets, (u) => usable(u) && !context.ejection.isEjected(u.id)) ??
    context.balancer.pick(route.id, route.sets, usable)
  );
}

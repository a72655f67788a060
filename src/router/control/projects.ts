import { SlipwayError } from "../../errors.js";
import {
  describeRouterPortConflict,
  ROUTER_PORT_CONFLICT_HINT,
  routerPortConflicts,
} from "../../network/router-ports.js";
import type { RouterDriverName } from "../driver.js";
import type { ProjectTraffic } from "./router-config.js";

/** A project as the router control serves it; explicit weights are the control's own. */
export interface RoutableProject extends Omit<ProjectTraffic, "weights"> {
  /** Loopback address of each service (how services reach each other by name). */
  readonly addresses: Readonly<Record<string, string>>;
}

/** One router serves every project: their common `router.host`, or every interface when they differ. */
export function routerHostOf(projects: readonly RoutableProject[]): string {
  const hosts = new Set(projects.map((p) => p.spec["x-slipway"].router.host));
  return hosts.size === 1 ? [...hosts][0]! : "0.0.0.0";
}

/** One router serves every project: the driver one of them asks for other than the builtin one, else builtin. */
export function driverNameOf(projects: readonly RoutableProject[]): RouterDriverName {
  const asked = projects.map((p) => p.spec["x-slipway"].router.driver);
  return asked.find((name) => name !== "builtin") ?? "builtin";
}

/** `E_ROUTER_PORT_CONFLICT` when a published port of a project takes the router's HTTP or HTTPS port. */
export function checkRouterPorts(projects: readonly RoutableProject[], host: string): void {
  const [conflict] = projects.flatMap((p) => routerPortConflicts(p.spec, host));
  if (conflict)
    throw new SlipwayError({
      code: "E_ROUTER_PORT_CONFLICT",
      message: describeRouterPortConflict(conflict),
      hint: ROUTER_PORT_CONFLICT_HINT,
    });
}

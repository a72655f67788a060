import { isIP } from "node:net";
import type { AppSpec } from "../manifest/model.js";
import { primaryPort } from "./ports.js";

/** A port the router wants on every interface that something of the project also takes. */
export interface RouterPortConflict {
  readonly port: number;
  readonly listener: "http_port" | "https_port";
  readonly service: string;
  /** `service-address`: the process target proxies the service at `<its loopback address>:<port>`; `published`: a port published on every interface. */
  readonly kind: "service-address" | "published";
}

/** True for an address that means every interface: none, `0.0.0.0` or `::` (with or without brackets). */
export function isEveryInterface(host: string | undefined): boolean {
  const ip = host?.replace(/^\[|\]$/g, "") ?? "";
  return ip === "" || ip === "0.0.0.0" || ip === "::";
}

/**
 * Where the router's listeners (on `router.host`, every interface by default) collide with the
 * project's own sockets: a port another service publishes on every interface (any target), or the
 * port a service listens on (the process target proxies it on the service's loopback address,
 * and Linux refuses `0.0.0.0:P` while `127.x.y.z:P` is bound). Only for projects with routes.
 */
export function routerPortConflicts(
  spec: AppSpec,
  host = spec["x-slipway"].router.host,
): RouterPortConflict[] {
  const services = Object.values(spec.services);
  if (!services.some((service) => service["x-slipway"].routes.length > 0)) return [];
  const router = spec["x-slipway"].router;
  const conflicts: RouterPortConflict[] = [];
  const anyAddress = isEveryInterface(host) || isIP(host) === 0;
  for (const listener of ["http_port", "https_port"] as const) {
    const port = router[listener];
    for (const service of services) {
      const published = service.ports.some(
        (p) =>
          p.published === String(port) && (isEveryInterface(p.host_ip) || anyAddress || p.host_ip === host),
      );
      if (published) conflicts.push({ port, listener, service: service.name, kind: "published" });
      else if (anyAddress && primaryPort(service) === port)
        conflicts.push({ port, listener, service: service.name, kind: "service-address" });
    }
  }
  return conflicts;
}

/** One sentence per conflict, for check findings and deploy errors. */
export function describeRouterPortConflict(conflict: RouterPortConflict): string {
  return conflict.kind === "published"
    ? `the router's ${conflict.listener} ${conflict.port} is also published by service "${conflict.service}"`
    : `the router's ${conflict.listener} ${conflict.port} on every interface collides with service "${conflict.service}", which listens on port ${conflict.port} (the process target serves it at its own loopback address, and a socket on every interface cannot share the port)`;
}

export const ROUTER_PORT_CONFLICT_HINT =
  "change x-slipway.router.http_port/https_port, or set x-slipway.router.host to one address (127.0.0.1, or the machine's public address)";

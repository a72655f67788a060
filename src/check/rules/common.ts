import { databaseKind } from "../../manifest/images.js";
import type { Port, ServiceSpec } from "../../manifest/model.js";
import { isEveryInterface } from "../../network/router-ports.js";

/** Default ports of the databases and caches slipway knows (postgres, redis, mysql, mongo). */
const DATABASE_PORTS = new Set([5432, 6379, 3306, 27017]);

/** A database or cache: known by its image, or by listening first on a well-known database port. */
export function isDatabase(service: ServiceSpec): boolean {
  const first = service.ports[0]?.target;
  return databaseKind(service.image) !== undefined || (first !== undefined && DATABASE_PORTS.has(first));
}

/** True when a host port is bound on every interface (no `host_ip`, `0.0.0.0` or `::`). */
export function onAllInterfaces(port: Port): boolean {
  return isEveryInterface(port.host_ip);
}

/** The single host port a port entry binds; undefined when unpublished, a range, or `0` (any free port). */
export function fixedHostPort(port: Port): number | undefined {
  if (port.published === undefined || !/^\d+$/.test(port.published)) return undefined;
  const number = Number(port.published);
  return number === 0 ? undefined : number;
}

/** True when the service declares a healthcheck that is not disabled. */
export function hasHealthcheck(service: ServiceSpec): boolean {
  return service.healthcheck !== undefined && !service.healthcheck.disable;
}

/** True when some route of the service proxies to its process (static routes serve files instead). */
export function hasProxiedRoute(service: ServiceSpec): boolean {
  return service["x-slipway"].routes.some((route) => route.static === undefined);
}

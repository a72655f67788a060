import type { ServiceSpec } from "../manifest/model.js";
import { primaryPort } from "./ports.js";

type PublishedPort = ServiceSpec["ports"][number];

/**
 * How a published port is served on the process target: `http` through the HTTP router (requests
 * drained and retried one by one, so a deploy fails none), `tcp` through the layer-4 service proxy
 * (connections forwarded whole: databases, caches, anything not HTTP).
 */
export type PublishedProtocol = "http" | "tcp";

/** `http://host:PORT/…` in a healthcheck command: the port written, `$PORT`/`${PORT}`, or none (80). */
const HTTP_URL = /\bhttp:\/\/(?:\[[^\]]*\]|[^/:\s"'$]+)(?::(\d+|\$\{?PORT\}?))?(?:[/?\s"']|$)/g;

/** The service ports an HTTP healthcheck probes (`curl http://127.0.0.1:$PORT/health`, wget, fetch …). */
function probedPorts(service: ServiceSpec): number[] {
  const check = service.healthcheck;
  if (!check?.test || check.disable) return [];
  const command = check.test.slice(1).join(" ");
  const primary = primaryPort(service);
  return [...command.matchAll(HTTP_URL)].flatMap(([, port]) => {
    if (port === undefined) return [80];
    if (port.includes("PORT")) return primary === undefined ? [] : [primary];
    return [Number(port)];
  });
}

/**
 * Whether a published port carries HTTP, decided from the Compose file alone (nothing is sniffed):
 * 1. the port's Compose `app_protocol` says so: `http` → router; any other value (`tcp`,
 *    `postgresql`, `redis`, `https` for an app that serves TLS itself) → layer 4;
 * 2. otherwise an `x-slipway.routes` HTTP route to the port, or an HTTP healthcheck probing it
 *    (a `http://…` URL at the port, `$PORT`, or no port for 80), makes it HTTP;
 * 3. anything else stays layer 4. Only the service's primary port (the one at `$PORT`) and TCP
 *    ports with a single, fixed host port can go through the router.
 */
export function publishedProtocol(service: ServiceSpec, port: PublishedPort): PublishedProtocol {
  // A range, or 0 (any free port), stays on layer 4 as well.
  if (port.protocol !== "tcp" || !/^[1-9]\d*$/.test(port.published ?? "")) return "tcp";
  if (port.target !== primaryPort(service)) return "tcp";
  const declared = port.app_protocol?.trim().toLowerCase();
  if (declared) return declared === "http" ? "http" : "tcp";
  const routed = service["x-slipway"].routes.some(
    (route) =>
      !route.static && route.protocol === "http" && (route.port ?? primaryPort(service)) === port.target,
  );
  return routed || probedPorts(service).includes(port.target) ? "http" : "tcp";
}

/** The published ports of a service that the HTTP router serves, with their host address. */
export function publishedHttpPorts(
  service: ServiceSpec,
): readonly { readonly host: string; readonly port: number; readonly target: number }[] {
  if (service["x-slipway"].schedule) return [];
  return service.ports.flatMap((port) =>
    publishedProtocol(service, port) === "http"
      ? [{ host: port.host_ip ?? "0.0.0.0", port: Number(port.published), target: port.target }]
      : [],
  );
}

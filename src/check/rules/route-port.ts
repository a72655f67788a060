import type { ServiceSpec } from "../../manifest/model.js";
import type { LintRule } from "../rule.js";

/** Ports the service says it listens on: `ports[].target` and `expose` (ranges expanded). */
function listeningPorts(service: ServiceSpec): Set<number> {
  const out = new Set(service.ports.map((port) => port.target));
  for (const entry of service.expose ?? []) {
    const match = /^(\d+)(?:-(\d+))?(?:\/\w+)?$/.exec(entry.trim());
    if (!match) continue;
    const from = Number(match[1]);
    for (let port = from; port <= Number(match[2] ?? from) && port - from < 1024; port++) out.add(port);
  }
  return out;
}

/** A route to a port the service does not listen on, or with no port when the service has several. */
export const routePort: LintRule = {
  code: "E_CHECK_ROUTE_PORT",
  severity: "error",
  title: "route port is not one of the service's ports",
  hint: "set the route's `port` to the port the process listens on (one of `ports[].target` or `expose`)",
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      const ports = listeningPorts(service);
      const listed = [...ports].sort((a, b) => a - b).join(", ");
      for (const [index, route] of service["x-slipway"].routes.entries()) {
        const at = ["services", service.name, "x-slipway", "routes", index];
        if (route.static !== undefined || ports.size === 0) continue;
        if (route.port === undefined && ports.size > 1) {
          yield {
            message: `route ${index} of service "${service.name}" names no port, and the service listens on several (${listed})`,
            path: at,
            hint: `add \`port:\` with one of ${listed}`,
          };
        } else if (route.port !== undefined && !ports.has(route.port)) {
          yield {
            message: `route ${index} of service "${service.name}" sends traffic to port ${route.port}, which is not among its ports (${listed})`,
            path: [...at, "port"],
          };
        }
      }
    }
  },
};

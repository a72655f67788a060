import type { Route, RouterConfig, TcpRoute } from "../model.js";
import { TrustedProxies } from "./client-address.js";
import type { Snapshot } from "./context.js";
import { compileRouteTable } from "./route-table.js";
import { compileSecurityHeaders } from "./security-headers.js";
import type { TlsSettings } from "./tls.js";

/** Names a TCP route's listener; port 0 (any free port, in tests) is per route. */
export function tcpListenKey(route: TcpRoute): string {
  const { host, port } = route.listen;
  return port === 0 ? `${host}:0:${route.id}` : `${host}:${port}`;
}

/** Everything derived from a configuration once, when it is applied. */
export function buildSnapshot(config: RouterConfig, tls: TlsSettings | undefined): Snapshot {
  const routesById = new Map<string, Route>(config.routes.map((route) => [route.id, route]));
  const tcpByListen = new Map<string, TcpRoute>();
  for (const route of config.routes) if (route.kind === "tcp") tcpByListen.set(tcpListenKey(route), route);
  return {
    config,
    table: compileRouteTable(config),
    routesById,
    tcpByListen,
    trusted: new TrustedProxies(config.trustedProxies),
    security: compileSecurityHeaders(config.security),
    tls,
  };
}

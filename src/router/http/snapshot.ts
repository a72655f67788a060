import { isPublished, type PublishedRoute, type Route, type RouterConfig, type TcpRoute } from "../model.js";
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

/** Names a published port's listener. */
export const publishedListenKey = (route: PublishedRoute) => `${route.listen.host}:${route.listen.port}`;

/** Everything derived from a configuration once, when it is applied. */
export function buildSnapshot(config: RouterConfig, tls: TlsSettings | undefined): Snapshot {
  const routesById = new Map<string, Route>(config.routes.map((route) => [route.id, route]));
  const tcpByListen = new Map<string, TcpRoute>();
  const publishedByListen = new Map<string, PublishedRoute>();
  for (const route of config.routes) {
    if (route.kind === "tcp") tcpByListen.set(tcpListenKey(route), route);
    else if (isPublished(route)) publishedByListen.set(publishedListenKey(route), route);
  }
  return {
    config,
    table: compileRouteTable(config),
    routesById,
    tcpByListen,
    publishedByListen,
    trusted: new TrustedProxies(config.trustedProxies),
    security: compileSecurityHeaders(config.security),
    tls,
  };
}

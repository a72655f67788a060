import type { RouterConfig, TcpRoute } from "../model.js";
import { block, comment } from "./syntax.js";
import { renderUpstream, serverWeights, upstreamName } from "./upstreams.js";
import { socketAddress } from "./validate.js";

/**
 * The `stream {}` block: one listener per TCP route, its sets weighted like HTTP routes. With no
 * instance to take it, a connection is accepted and closed, so the port stays claimed.
 */
export function renderStream(config: RouterConfig): string[] {
  const routes = config.routes.flatMap((route, index) => (route.kind === "tcp" ? [{ route, index }] : []));
  if (routes.length === 0) return [];
  return block(
    "stream",
    routes.flatMap(({ route, index }) => renderTcpRoute(route, index)),
  );
}

function renderTcpRoute(route: TcpRoute, index: number): string[] {
  const path = `routes[${index}]`;
  const name = upstreamName("tcp", route.id);
  const servers = serverWeights(route.sets);
  return [
    comment(`route ${route.id}`),
    ...renderUpstream(name, servers, `${path}.sets`),
    ...block("server", [
      `listen ${socketAddress(route.listen.host, route.listen.port, `${path}.listen`)};`,
      "proxy_connect_timeout 5s;",
      servers.length > 0 ? `proxy_pass ${name};` : 'return "";',
    ]),
  ];
}

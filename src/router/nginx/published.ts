import { isPublished, type PublishedRoute, type RouterConfig } from "../model.js";
import { hasServers, upgradeLocation } from "./proxy-location.js";
import { block, comment } from "./syntax.js";
import { upstreamName } from "./upstreams.js";
import { socketAddress } from "./validate.js";

/** How long an upgraded connection may be idle, as on routes. */
const UPGRADE_IDLE_TIMEOUT = "1d";

/**
 * One `server` per published HTTP port: every request of the port goes to its service's upstream
 * group, as the app answered before (no security headers, no body limit, no maintenance page), with
 * nginx's retry of a request that met a closed keep-alive connection (`proxy_next_upstream`).
 */
export function renderPublishedServers(config: RouterConfig): string[] {
  return config.routes.flatMap((route, index) => (isPublished(route) ? publishedServer(route, index) : []));
}

function publishedServer(route: PublishedRoute, index: number): string[] {
  const upstream = upstreamName("http", route.id);
  const retryAfter = 5;
  const root = hasServers(route)
    ? [
        `error_page 418 = ${upgradeLocation(index)};`,
        ...block("if ($http_upgrade)", ["return 418;"]),
        `proxy_pass http://${upstream};`,
      ]
    : [
        'default_type "text/plain; charset=utf-8";',
        `add_header Retry-After ${retryAfter} always;`,
        'return 503 "no instance of this service is ready\\n";',
      ];
  return [
    comment(`published port of ${route.id}`),
    ...block("server", [
      `listen ${socketAddress(route.listen.host, route.listen.port, `routes[${index}].listen`)};`,
      'server_name "";',
      "client_max_body_size 0;",
      ...block("location /", root),
      ...block(`location ${upgradeLocation(index)}`, [
        `proxy_read_timeout ${UPGRADE_IDLE_TIMEOUT};`,
        `proxy_send_timeout ${UPGRADE_IDLE_TIMEOUT};`,
        `proxy_pass http://${upstream};`,
      ]),
    ]),
  ];
}

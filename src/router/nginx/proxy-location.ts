import type { HttpRoute, RouterConfig } from "../model.js";
import { responseHeaderLines } from "./headers.js";
import { block } from "./syntax.js";
import { serverWeights, upstreamName } from "./upstreams.js";

/** Named location taking a route's upgrade requests (WebSockets), which get long timeouts. */
export const upgradeLocation = (routeIndex: number) => `@slipway_upgrade_${routeIndex}`;

/** How long an upgraded connection may be idle; ordinary requests get `requestTimeoutMs`. */
const UPGRADE_IDLE_TIMEOUT = "1d";

/** The route has an instance that may take new requests (weight > 0, active). */
export const hasServers = (route: HttpRoute) => serverWeights(route.sets).length > 0;

/**
 * Body of a proxied route's locations. Upgrade requests go to the route's named location (an
 * internal 418 redirect) because `proxy_read_timeout` cannot depend on the request.
 * `proxy_pass http://group/` makes nginx replace the matched prefix with `/` (strip_prefix).
 */
export function proxyBody(route: HttpRoute, index: number, config: RouterConfig, https: boolean): string[] {
  const upstream = upstreamName("http", route.id);
  return [
    ...responseHeaderLines(config.security, https),
    `error_page 418 = ${upgradeLocation(index)};`,
    "error_page 429 @slipway_rate_limited;",
    ...block("if ($http_upgrade)", ["return 418;"]),
    `proxy_pass http://${upstream}${route.stripPrefix ? "/" : ""};`,
  ];
}

/** The named location for upgrades; a named location cannot strip by `proxy_pass` URI, so it rewrites. */
export function upgradeBody(
  route: HttpRoute,
  prefix: string,
  config: RouterConfig,
  https: boolean,
): string[] {
  const bare = prefix.replace(/\/$/, "");
  const pattern = bare.replace(/[.+]/g, "\\$&");
  return [
    ...responseHeaderLines(config.security, https),
    `proxy_read_timeout ${UPGRADE_IDLE_TIMEOUT};`,
    `proxy_send_timeout ${UPGRADE_IDLE_TIMEOUT};`,
    route.stripPrefix && bare !== "" && `rewrite "^${pattern}(?:/(.*))?$" /$1 break;`,
    `proxy_pass http://${upstreamName("http", route.id)};`,
  ].filter((line): line is string => line !== false);
}

/** While no instance may take requests: 503 with `Retry-After`, as the builtin router after its queue timeout. */
export function unavailableBody(config: RouterConfig, https: boolean): string[] {
  const retryAfter = Math.max(1, Math.ceil(config.limits.queueTimeoutMs / 1000));
  return [
    'default_type "text/plain; charset=utf-8";',
    ...responseHeaderLines(config.security, https),
    `add_header Retry-After ${retryAfter} always;`,
    'return 503 "no instance of this service is ready\\n";',
  ];
}

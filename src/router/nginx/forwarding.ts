import type { RouterConfig } from "../model.js";
import { block } from "./syntax.js";
import { addressOrNetwork } from "./validate.js";

/**
 * The request headers sent upstream, matching the builtin router's `forwarded.ts`: a trusted proxy's
 * `X-Forwarded-*`/`Forwarded` are kept and extended with the peer; anyone else's are replaced. The
 * realip module turns `$remote_addr` into the client behind trusted proxies (for rate limits and
 * logs); `$realip_remote_addr` stays the TCP peer.
 */
export function forwardingSettings(trustedProxies: RouterConfig["trustedProxies"]): string[] {
  const trusted = trustedProxies.map((entry, index) => addressOrNetwork(entry, `trustedProxies[${index}]`));
  // Without trusted proxies every incoming value is replaced: plain variables, no map per request.
  const kept = trusted.length > 0;
  return [
    ...trusted.map((entry) => `set_real_ip_from ${entry};`),
    ...(kept ? ["real_ip_header X-Forwarded-For;", "real_ip_recursive on;"] : []),
    ...(kept
      ? [
          ...block("geo $realip_remote_addr $slipway_trusted_peer", [
            "default 0;",
            ...trusted.map((entry) => `${entry} 1;`),
          ]),
          ...keptOrOwn("x_forwarded_for", '"$1, $realip_remote_addr"', "$realip_remote_addr"),
          ...keptOrOwn("x_forwarded_proto", "$1", "$scheme"),
          ...keptOrOwn("x_forwarded_host", "$1", "$http_host"),
          ...keptOrOwn("forwarded", '"$1, "', '""', "slipway_forwarded_before"),
        ]
      : []),
    ...block("map $realip_remote_addr $slipway_forwarded_peer", [
      '"~:" "\\"[$realip_remote_addr]\\"";',
      "default $realip_remote_addr;",
    ]),
    // RFC 7239: a host that is not a token (it has a port, say) is a quoted string.
    ...block("map $http_host $slipway_forwarded_host", [
      '"" "";',
      '"~^[!#%&\'*+.^_`|~0-9A-Za-z-]+$" ";host=$http_host";',
      '"~^[^\\"\\\\\\\\]+$" ";host=\\"$http_host\\"";',
      'default "";',
    ]),
    ...block("map $http_upgrade $slipway_connection", ['default "upgrade";', '"" "";']),
    "proxy_set_header Host $http_host;",
    // Empty unless upgrading, so upstream connections stay in the keep-alive pool.
    "proxy_set_header Connection $slipway_connection;",
    "proxy_set_header Upgrade $http_upgrade;",
    `proxy_set_header X-Forwarded-For ${kept ? "$slipway_x_forwarded_for" : "$realip_remote_addr"};`,
    `proxy_set_header X-Forwarded-Proto ${kept ? "$slipway_x_forwarded_proto" : "$scheme"};`,
    `proxy_set_header X-Forwarded-Host ${kept ? "$slipway_x_forwarded_host" : "$http_host"};`,
    `proxy_set_header Forwarded "${kept ? "$" + "{slipway_forwarded_before}" : ""}for=\${slipway_forwarded_peer};proto=$scheme$slipway_forwarded_host";`,
    "proxy_set_header X-Request-Id $slipway_request_id;",
  ];
}

/** `$slipway_<header>`: the incoming header (via `kept`) when a trusted proxy sent it, else `own`. */
function keptOrOwn(header: string, kept: string, own: string, variable = `slipway_${header}`): string[] {
  return block(`map "$slipway_trusted_peer:$http_${header}" $${variable}`, [
    `"~^1:(.+)$" ${kept};`,
    `default ${own};`,
  ]);
}

import { needsSharedListener, type RouterConfig } from "../model.js";
import { forwardingSettings } from "./forwarding.js";
import { responseHeaderMaps } from "./headers.js";
import { MAINTENANCE_VARIABLE } from "./locations.js";
import { mimeTypes } from "./mime.js";
import type { NginxPaths } from "./paths.js";
import { renderPublishedServers } from "./published.js";
import { requestShapeMaps } from "./request-shape.js";
import { renderServer } from "./servers.js";
import { staticCacheMap } from "./static-location.js";
import { block, DOLLAR_VARIABLE, milliseconds, quoteLiteral, textVariables } from "./syntax.js";
import { renderUpstream, serverWeights, upstreamName } from "./upstreams.js";
import { atLeast } from "./validate.js";
import { planVirtualHosts } from "./vhosts.js";

/** Mozilla's "intermediate" TLS 1.2 suites (forward secret AEAD only); TLS 1.3 suites are OpenSSL's. */
const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** How late an access log line may reach the file (and canary figures). */
const ACCESS_LOG_FLUSH = "100ms";

const ACCESS_LOG_FORMAT = [
  '"time":"$time_iso8601"',
  '"request_id":"$slipway_request_id"',
  '"client":"$remote_addr"',
  '"host":"$host"',
  '"method":"$request_method"',
  '"uri":"$request_uri"',
  '"status":$status',
  '"bytes":$body_bytes_sent',
  '"seconds":$request_time',
  '"upstream":"$upstream_addr"',
  '"upstream_status":"$upstream_status"',
  // The route's upstream group: with `upstream` (mapped to versions) it gives canary figures.
  '"upstream_group":"$proxy_host"',
].join(",");

function limitSettings(limits: RouterConfig["limits"]): string[] {
  const ms = (key: keyof RouterConfig["limits"]) => milliseconds(atLeast(limits[key], 1, `limits.${key}`));
  const rate = atLeast(limits.rateLimitPerSecond, 0, "limits.rateLimitPerSecond");
  // nginx's burst counts requests beyond the first; the builtin bucket holds `burst` requests in all.
  const burst = Math.max(1, Math.floor(atLeast(limits.rateLimitBurst, 0, "limits.rateLimitBurst"))) - 1;
  return [
    `client_max_body_size ${Math.floor(atLeast(limits.maxBodyBytes, 0, "limits.maxBodyBytes"))};`,
    `client_header_timeout ${ms("headersTimeoutMs")};`,
    // Request headers: about 16 KiB in all (a line up to 8 KiB), as the builtin router's 16 KiB.
    "large_client_header_buffers 2 8k;",
    `client_body_timeout ${ms("idleTimeoutMs")};`,
    `send_timeout ${ms("idleTimeoutMs")};`,
    `keepalive_timeout ${ms("idleTimeoutMs")};`,
    "proxy_connect_timeout 5s;",
    `proxy_read_timeout ${ms("requestTimeoutMs")};`,
    `proxy_send_timeout ${ms("requestTimeoutMs")};`,
    ...(rate > 0
      ? [
          `limit_req_zone $binary_remote_addr zone=slipway_rate:10m rate=${Number.isInteger(rate) ? `${rate}r/s` : `${Math.max(1, Math.round(rate * 60))}r/m`};`,
          `limit_req zone=slipway_rate burst=${burst} nodelay;`,
          "limit_req_status 429;",
        ]
      : []),
  ];
}

function tlsSettings(tls: RouterConfig["tls"]): string[] {
  return [
    `ssl_protocols ${tls.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2 TLSv1.3"};`,
    `ssl_ciphers ${TLS12_CIPHERS};`,
    "ssl_prefer_server_ciphers off;",
    "ssl_session_cache shared:slipway_tls:10m;",
    "ssl_session_timeout 1d;",
    "ssl_session_tickets off;",
  ];
}

/** The `http {}` block: shared settings, one upstream group per proxied route, the servers. */
export function renderHttp(config: RouterConfig, paths: NginxPaths): string[] {
  const temp = (name: string) => quoteLiteral(`${paths.tempDir}/${name}`, "paths.tempDir");
  const plan = planVirtualHosts(config);
  return block("http", [
    ...mimeTypes(),
    "server_tokens off;",
    // Relative `Location`s: nginx cannot know the port a client used through a forwarded port.
    "absolute_redirect off;",
    "sendfile on;",
    "tcp_nopush on;",
    "gzip_vary on;",
    `log_format slipway escape=json '{${ACCESS_LOG_FORMAT}}';`,
    // Buffered: one write() per request cost more than the rest of the log line (bench/router); canary
    // figures see the lines at most ACCESS_LOG_FLUSH later.
    `access_log ${quoteLiteral(paths.accessLog, "paths.accessLog")} slipway buffer=64k flush=${ACCESS_LOG_FLUSH};`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `${name}_temp_path ${temp(name)};`),
    ...limitSettings(config.limits),
    "proxy_http_version 1.1;",
    // Without `non_idempotent`, nginx retries on another instance only if the method is idempotent.
    "proxy_next_upstream error timeout;",
    ...block(`geo $${DOLLAR_VARIABLE}`, ['default "$";']),
    ...forwardingSettings(config.trustedProxies),
    ...requestShapeMaps(),
    ...responseHeaderMaps(config.security),
    ...staticCacheMap(),
    ...(config.maintenance
      ? textVariables(MAINTENANCE_VARIABLE, config.maintenance.html, "maintenance.html").definitions
      : []),
    ...(config.https ? tlsSettings(config.tls) : []),
    ...config.routes.flatMap((route, index) =>
      route.kind === "http"
        ? renderUpstream(upstreamName("http", route.id), serverWeights(route.sets), `routes[${index}].sets`, {
            keepalive: 32,
          })
        : [],
    ),
    ...(needsSharedListener(config) ? plan.http.flatMap((host) => renderServer(host, config, false)) : []),
    ...plan.https.flatMap((host) => renderServer(host, config, true)),
    ...renderPublishedServers(config),
  ]);
}

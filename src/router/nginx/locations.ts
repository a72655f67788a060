import type { RouterConfig } from "../model.js";
import { responseHeaderLines } from "./headers.js";
import { hasServers, proxyBody, unavailableBody, upgradeBody, upgradeLocation } from "./proxy-location.js";
import { directoryRedirectBody, staticBody } from "./static-location.js";
import { block, comment, textVariables } from "./syntax.js";
import { acmeToken, keyAuthorization } from "./validate.js";
import type { PlacedRoute, VirtualHost } from "./vhosts.js";

const ACME_PREFIX = "/.well-known/acme-challenge/";
export const MAINTENANCE_VARIABLE = "slipway_maintenance";

/** The `location`s of a prefix, matching whole segments: `/api` → `= /api` and `^~ /api/`. */
function locationKeys(prefix: string): string[] {
  if (prefix === "/") return ["/"];
  if (prefix.endsWith("/")) return [`^~ ${prefix}`];
  return [`= ${prefix}`, `^~ ${prefix}/`];
}

/** A plain-text answer of the router itself, with the usual headers. */
function answer(config: RouterConfig, https: boolean, status: number, body: string, extra: string[] = []) {
  return [
    'default_type "text/plain; charset=utf-8";',
    ...responseHeaderLines(config.security, https),
    ...extra,
    `return ${status} ${body};`,
  ];
}

/** The body of each `location` of one route in this server (HTTP or HTTPS), and its upgrade location. */
interface RouteLocations {
  readonly bodies: ReadonlyMap<string, string[]>;
  readonly upgrade?: string[] | undefined;
}

function routeLocations(placed: PlacedRoute, config: RouterConfig, https: boolean): RouteLocations {
  const { route, index, prefix } = placed;
  const keys = locationKeys(prefix);
  const same = (body: string[]) => new Map(keys.map((key) => [key, body]));
  if (config.maintenance && !(route.kind === "http" && route.duringMaintenance)) {
    const page = textVariables(MAINTENANCE_VARIABLE, config.maintenance.html, "maintenance.html");
    const retryAfter = Math.max(0, Math.floor(config.maintenance.retryAfterSeconds));
    return {
      bodies: same([
        'default_type "text/html; charset=utf-8";',
        ...responseHeaderLines(config.security, https),
        `add_header Retry-After ${retryAfter} always;`,
        `return 503 ${page.reference};`,
      ]),
    };
  }
  if (!https && config.https && route.httpsRedirect) {
    const port = config.https.port === 443 ? "" : `:${config.https.port}`;
    return {
      bodies: same([
        ...responseHeaderLines(config.security, https),
        `return 308 https://$host${port}$request_uri;`,
      ]),
    };
  }
  if (route.kind === "static") {
    const body = (key: string) =>
      key.startsWith("= ")
        ? directoryRedirectBody(prefix, config, https)
        : staticBody(route, index, prefix, config, https);
    return { bodies: new Map(keys.map((key) => [key, body(key)])) };
  }
  if (!hasServers(route)) return { bodies: same(unavailableBody(config, https)) };
  return {
    bodies: same(proxyBody(route, index, config, https)),
    upgrade: upgradeBody(route, prefix, config, https),
  };
}

/**
 * The locations of one server. Routes claim their `location`s longest prefix first; a later route
 * wanting one already taken (the same prefix twice, or `/api` after `/api/`) does without it, as it
 * would never be picked by the builtin router either. ACME challenges come first on HTTP.
 */
export function renderLocations(host: VirtualHost, config: RouterConfig, https: boolean): string[] {
  const claimed = new Set<string>();
  const lines: string[] = [];
  const claim = (key: string, body: string[], note?: string): boolean => {
    if (claimed.has(key)) return false;
    claimed.add(key);
    lines.push(...(note ? [comment(note)] : []), ...block(`location ${key}`, body));
    return true;
  };
  if (!https) {
    for (const [token, authorization] of Object.entries(config.acmeChallenges).sort()) {
      const path = `acmeChallenges.${token}`;
      const body = `"${keyAuthorization(authorization, path)}"`;
      claim(`= ${ACME_PREFIX}${acmeToken(token, path)}`, answer(config, https, 200, body));
    }
    claim(`^~ ${ACME_PREFIX}`, answer(config, https, 404, '"unknown ACME challenge\\n"'));
  }
  for (const placed of host.routes) {
    const { bodies, upgrade } = routeLocations(placed, config, https);
    let claimedAny = false;
    for (const [key, body] of bodies) claimedAny = claim(key, body, `route ${placed.route.id}`) || claimedAny;
    if (claimedAny && upgrade) lines.push(...block(`location ${upgradeLocation(placed.index)}`, upgrade));
  }
  claim("/", answer(config, https, 404, '"no route for this host and path\\n"'));
  const rate = config.limits.rateLimitPerSecond;
  const retryAfter = rate > 0 ? Math.max(1, Math.ceil(1 / rate)) : 1;
  lines.push(
    ...block(
      "location @slipway_rate_limited",
      answer(config, https, 429, '"too many requests\\n"', [`add_header Retry-After ${retryAfter} always;`]),
    ),
  );
  return lines;
}

import type { RouterConfig } from "../model.js";
import { block } from "./syntax.js";
import { headerValue } from "./validate.js";

/**
 * Response headers the router adds: the security headers (the upstream's own values win, as in the
 * builtin router) and `X-Request-Id`. nginx drops inherited `add_header`s in any block that adds one
 * of its own, so every location repeats `responseHeaderLines`.
 */

const SECURITY_HEADERS = [
  { name: "X-Content-Type-Options", variable: "slipway_header_nosniff" },
  { name: "Referrer-Policy", variable: "slipway_header_referrer_policy" },
  { name: "Content-Security-Policy", variable: "slipway_header_csp" },
  { name: "Strict-Transport-Security", variable: "slipway_header_hsts", httpsOnly: true },
] as const;

/** What each security header says when the upstream did not send it; absent = never sent. */
function securityValues(security: RouterConfig["security"]): Record<string, string | undefined> {
  return {
    "X-Content-Type-Options": '"nosniff"',
    "Referrer-Policy": security.referrerPolicy
      ? headerValue(security.referrerPolicy, "security.referrerPolicy")
      : undefined,
    "Content-Security-Policy": security.contentSecurityPolicy
      ? headerValue(security.contentSecurityPolicy, "security.contentSecurityPolicy")
      : undefined,
    "Strict-Transport-Security":
      security.hstsMaxAgeSeconds > 0
        ? `"max-age=${Math.floor(security.hstsMaxAgeSeconds)}; includeSubDomains"`
        : undefined,
  };
}

/** `map`s giving each header's value, empty (= not added) when the upstream sent its own. */
export function responseHeaderMaps(security: RouterConfig["security"]): string[] {
  const values = securityValues(security);
  return [
    ...SECURITY_HEADERS.flatMap(({ name, variable }) => {
      const value = values[name];
      const upstream = `$upstream_http_${name.toLowerCase().replaceAll("-", "_")}`;
      return value === undefined
        ? []
        : block(`map ${upstream} $${variable}`, [`"" ${value};`, 'default "";']);
    }),
    // A well-formed incoming id is kept so one request can be followed across proxies.
    ...block("map $http_x_request_id $slipway_request_id", [
      '"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;',
      "default $request_id;",
    ]),
    ...block("map $upstream_http_x_request_id $slipway_response_request_id", [
      '"" $slipway_request_id;',
      'default "";',
    ]),
  ];
}

/** The `add_header` lines of one location; HSTS only on HTTPS. */
export function responseHeaderLines(security: RouterConfig["security"], https: boolean): string[] {
  const values = securityValues(security);
  return [
    ...SECURITY_HEADERS.filter(
      (header) => values[header.name] !== undefined && (https || !("httpsOnly" in header)),
    ).map(({ name, variable }) => `add_header ${name} $${variable} always;`),
    "add_header X-Request-Id $slipway_response_request_id always;",
  ];
}

import type { RouterConfig } from "../model.js";

/** The security headers of a response; HSTS only over HTTPS (a browser ignores it on HTTP anyway). */
export function securityHeaders(security: RouterConfig["security"], https: boolean): Record<string, string> {
  const headers: Record<string, string> = { "x-content-type-options": "nosniff" };
  if (https && security.hstsMaxAgeSeconds > 0)
    headers["strict-transport-security"] = `max-age=${security.hstsMaxAgeSeconds}; includeSubDomains`;
  if (security.referrerPolicy) headers["referrer-policy"] = security.referrerPolicy;
  if (security.contentSecurityPolicy) headers["content-security-policy"] = security.contentSecurityPolicy;
  return headers;
}

/** A published port answers as the app does: the router adds no security header of its own. */
export const NO_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** The security headers of one configuration, per scheme, computed once when it is applied. */
export interface SecurityHeadersByScheme {
  readonly http: Readonly<Record<string, string>>;
  readonly https: Readonly<Record<string, string>>;
}

export function compileSecurityHeaders(security: RouterConfig["security"]): SecurityHeadersByScheme {
  return {
    http: Object.freeze(securityHeaders(security, false)),
    https: Object.freeze(securityHeaders(security, true)),
  };
}

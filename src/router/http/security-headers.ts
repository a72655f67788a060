import type { OutgoingHttpHeaders } from "node:http";
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

/** Adds the security headers the upstream did not set itself (its own values win). */
export function withSecurityHeaders(
  headers: OutgoingHttpHeaders,
  security: RouterConfig["security"],
  https: boolean,
): OutgoingHttpHeaders {
  const present = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const out: OutgoingHttpHeaders = { ...headers };
  for (const [name, value] of Object.entries(securityHeaders(security, https)))
    if (!present.has(name)) out[name] = value;
  return out;
}

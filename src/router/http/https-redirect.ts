/** HTTP-01 challenges are answered on plain HTTP, before any redirect or route. */
export const ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

/** The key authorization for `/.well-known/acme-challenge/<token>`, or a 404 for unknown tokens. */
export function acmeChallengeAnswer(
  path: string,
  challenges: Readonly<Record<string, string>>,
): { readonly status: 200 | 404; readonly body: string } {
  const token = path.slice(ACME_CHALLENGE_PREFIX.length);
  const answer =
    /^[A-Za-z0-9_-]+$/.test(token) && Object.hasOwn(challenges, token) ? challenges[token] : undefined;
  return answer === undefined ? { status: 404, body: "unknown challenge\n" } : { status: 200, body: answer };
}

/**
 * Where a plain-HTTP request is sent on HTTPS: same host and URL, the HTTPS port when it is not
 * 443. Undefined for a Host header that is not a plain host name (no redirect to odd places).
 */
export function httpsLocation(
  hostHeader: string | undefined,
  httpsPort: number,
  url: string,
): string | undefined {
  const host = (hostHeader ?? "").toLowerCase().replace(/:\d+$/, "");
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+\.?$|^\[[0-9a-f:.]+\]$/.test(host)) return undefined;
  const path = url.startsWith("/") ? url : `/${url}`;
  return `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}${path}`;
}

/** 301 for GET/HEAD; 308 keeps the method and body of anything else. */
export const redirectStatus = (method: string | undefined) =>
  method === "GET" || method === "HEAD" ? 301 : 308;

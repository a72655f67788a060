import type { RequestView } from "./context.js";

/**
 * Why a request is too ambiguous to route, or undefined when it is fine. HTTP/0.9, two `Host` headers, or an
 * absolute-form target (`GET http://a/ HTTP/1.1`) whose host disagrees with `Host`, could make the
 * router and an upstream (or a cache) see different sites: refused with 400, never guessed.
 */
export function ambiguity(
  request: Pick<RequestView, "rawHeaders" | "url" | "headers" | "httpVersionMajor">,
): string | undefined {
  // HTTP/0.9 has no headers, so no Host: nothing to route by, and an old smuggling vector.
  if (request.httpVersionMajor === 0) return "an HTTP/0.9 request line";
  let hosts = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2)
    // The length first: lower-casing every header name of every request allocates.
    if (request.rawHeaders[i]?.length === 4 && request.rawHeaders[i]!.toLowerCase() === "host") hosts++;
  if (hosts > 1) return "more than one Host header";
  const target = request.url ?? "/";
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return undefined;
  let authority: string;
  try {
    authority = new URL(target).host.toLowerCase();
  } catch {
    return "a request target that is not a URL";
  }
  const host = (request.headers.host ?? "").toLowerCase();
  const bare = (value: string) => value.replace(/:(80|443)$/, "");
  if (bare(authority) !== bare(host)) return "a request target whose host is not the Host header";
  return undefined;
}

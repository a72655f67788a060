import type { IncomingMessage } from "node:http";

/**
 * Which origin a request to the dashboard is served at. It is decided by the listener the request
 * arrived on, never by `X-Forwarded-*` headers (any local process can send those to a loopback
 * port): the loopback listener serves its own `http://` origin; the router listener, which only
 * slipway's router is pointed at and only over HTTPS, serves the published `https://` origin.
 * Neither grants anything: every API call still needs a session.
 */
export interface Exposure {
  /** What a browser sends as `Origin` from the dashboard's own pages. */
  readonly origin: string;
  /** Reached over HTTPS through the router: the session cookie is `Secure` (and `__Host-` prefixed). */
  readonly secure: boolean;
}

/** The session cookie's name: `__Host-` makes browsers keep it to this exact HTTPS host. */
export const sessionCookieName = (exposure: Exposure) =>
  exposure.secure ? "__Host-slipway_session" : "slipway_session";

/** `Set-Cookie` for a session (`maxAgeSeconds` 0 ends it). */
export function sessionCookie(exposure: Exposure, value: string, maxAgeSeconds: number): string {
  return [
    `${sessionCookieName(exposure)}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    ...(exposure.secure ? ["Secure"] : []),
    `Max-Age=${maxAgeSeconds}`,
  ].join("; ");
}

/** The session token the request's cookie carries, if any. */
export function sessionOf(req: IncomingMessage, exposure: Exposure): string | undefined {
  const name = sessionCookieName(exposure);
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/**
 * The loopback listener: its origin is the one the browser used, `http://` + `Host` (an SSH tunnel's
 * local port differs from the agent's). A page elsewhere cannot claim it: browsers set `Origin`.
 */
export const loopbackExposure = (req: IncomingMessage): Exposure => ({
  origin: `http://${req.headers.host ?? ""}`,
  secure: false,
});

/** The host of a `Host` header without its port, lower case (`[::1]:80` → `[::1]`). */
export const hostName = (header: string | undefined) => (header ?? "").toLowerCase().replace(/:\d+$/, "");

/**
 * The router listener: the published origin, for requests whose `Host` is the published host (the
 * router routes only that host here); undefined for anything else, which is refused.
 */
export function publishedExposure(
  req: IncomingMessage,
  published: { readonly host: string; readonly origin: string } | undefined,
): Exposure | undefined {
  if (!published || hostName(req.headers.host) !== published.host) return undefined;
  return { origin: published.origin, secure: true };
}

/**
 * Whether a state-changing request comes from the dashboard's own pages: its `Origin` (browsers send
 * one with every POST) is the exposure's. A client that sends none is not a browser, so not a
 * confused deputy; it still needs the session and the dashboard's own header.
 */
export function fromOwnOrigin(req: IncomingMessage, exposure: Exposure): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers["sec-fetch-site"];
    return site === undefined || site === "same-origin";
  }
  return origin.toLowerCase() === exposure.origin.toLowerCase();
}

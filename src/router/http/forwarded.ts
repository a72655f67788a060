import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { isIP } from "node:net";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "http2-settings",
]);

/**
 * The header names a `Connection` header lists (hop-by-hop as well), lower-cased; undefined when it
 * lists only names that are hop-by-hop anyway (`keep-alive`), so the common case allocates nothing.
 */
export function connectionTokens(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined || connection === "keep-alive" || connection === "Keep-Alive")
    return undefined;
  let tokens: Set<string> | undefined;
  for (const token of String(connection).split(",")) {
    const name = token.trim().toLowerCase();
    if (name === "" || HOP_BY_HOP.has(name)) continue;
    tokens ??= new Set();
    tokens.add(name);
  }
  return tokens;
}

/** Whether a lower-case header name is hop-by-hop: always, or because `Connection` names it. */
export function isHopByHop(name: string, named: Set<string> | undefined): boolean {
  return HOP_BY_HOP.has(name) || named?.has(name) === true;
}

/** Headers without the hop-by-hop ones (RFC 9110 §7.6.1), including those named in `Connection`. */
export function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !isHopByHop(name, named)) out[name] = value;
  }
  return out;
}

/** What the router knows about the request it forwards. */
export interface ForwardingContext {
  /** The TCP peer (a client or a proxy in front of the router). */
  readonly peer: string;
  /** Whether the peer is in `trustedProxies`: its `X-Forwarded-*`/`Forwarded` headers are kept. */
  readonly trusted: boolean;
  readonly proto: "http" | "https";
  readonly requestId: string;
  /** Keep `Connection: upgrade` and `Upgrade` (WebSocket handshakes). */
  readonly upgrade: boolean;
}

/** The headers sent to the upstream: hop-by-hop removed, forwarding headers set, a request id. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  context: ForwardingContext,
): OutgoingHttpHeaders {
  const headers = withoutHopByHop(incoming);
  const host = incoming.host ?? "";
  const forwardedFor = trustedValue(incoming, "x-forwarded-for", context.trusted);
  headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${context.peer}` : context.peer;
  headers["x-forwarded-proto"] =
    trustedValue(incoming, "x-forwarded-proto", context.trusted) ?? context.proto;
  headers["x-forwarded-host"] = trustedValue(incoming, "x-forwarded-host", context.trusted) ?? host;
  const element = `for=${forwardedValue(isIP(context.peer) === 6 ? `[${context.peer}]` : context.peer)};proto=${context.proto}${host ? `;host=${forwardedValue(host)}` : ""}`;
  const forwarded = trustedValue(incoming, "forwarded", context.trusted);
  headers.forwarded = forwarded ? `${forwarded}, ${element}` : element;
  headers["x-request-id"] = context.requestId;
  // The router's own HTTP server already answered `100 Continue`; the upstream need not.
  delete headers.expect;
  if (context.upgrade) {
    headers.connection = "upgrade";
    if (incoming.upgrade) headers.upgrade = incoming.upgrade;
  }
  return headers;
}

/** An incoming forwarding header, kept only from a trusted proxy. */
function trustedValue(incoming: IncomingHttpHeaders, name: string, trusted: boolean): string | undefined {
  if (!trusted) return undefined;
  const value = incoming[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** RFC 7239 values are tokens or quoted strings (IPv6 literals and `host:port` need quotes). */
function forwardedValue(value: string): string {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
}

/** The scheme the client used: ours, or the leftmost `X-Forwarded-Proto` of a trusted proxy. */
export function effectiveProto(
  own: "http" | "https",
  incoming: IncomingHttpHeaders,
  trusted: boolean,
): "http" | "https" {
  if (!trusted) return own;
  const first = String(incoming["x-forwarded-proto"] ?? "")
    .split(",")[0]
    ?.trim()
    .toLowerCase();
  return first === "https" || first === "http" ? first : own;
}

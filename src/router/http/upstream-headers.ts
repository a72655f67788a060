import { isIP } from "node:net";
import { connectionTokens, type ForwardingContext, isHopByHop } from "./forwarded.js";

/** Headers the router writes itself on every forwarded request (a trusted proxy's values are extended). */
const FORWARDING = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** RFC 7239 values are tokens or quoted strings (IPv6 literals and `host:port` need quotes). */
function forwardedValue(value: string): string {
  return TOKEN.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
}

/**
 * The last peer and host seen and their `Forwarded` forms: keep-alive clients send request after
 * request from one address for one host, so the regular expressions run once per change, not per request.
 */
const memo = { peer: "", peerValue: "", host: "", hostValue: "" };

function forwardedElement(peer: string, proto: string, host: string): string {
  if (peer !== memo.peer) {
    memo.peerValue = forwardedValue(isIP(peer) === 6 ? `[${peer}]` : peer);
    memo.peer = peer;
  }
  if (host !== memo.host) {
    memo.hostValue = host ? `;host=${forwardedValue(host)}` : "";
    memo.host = host;
  }
  return `for=${memo.peerValue};proto=${proto}${memo.hostValue}`;
}

const joined = (before: string | undefined, value: string) =>
  before === undefined ? value : `${before}, ${value}`;

/**
 * The request headers sent upstream, as the flat `[name, value, …]` list undici takes, built in one
 * pass over the client's raw header lines (no headers object): the same as `upstreamRequestHeaders`
 * for a request without an upgrade — hop-by-hop removed, `Expect` dropped (the router answered it),
 * the forwarding headers set (a trusted proxy's extended), the request id.
 */
export function upstreamHeaderList(rawHeaders: readonly string[], context: ForwardingContext): string[] {
  let connection: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length === 10 && name.toLowerCase() === "connection")
      connection =
        connection === undefined ? rawHeaders[index + 1] : `${connection},${rawHeaders[index + 1]}`;
  }
  const named = connectionTokens(connection);
  const lines: string[] = [];
  let host = "";
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let forwarded: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const raw = rawHeaders[index]!;
    const value = rawHeaders[index + 1]!;
    const name = raw.toLowerCase();
    if (FORWARDING.has(name)) {
      if (!context.trusted || value === "") continue;
      if (name === "x-forwarded-for") forwardedFor = joined(forwardedFor, value);
      else if (name === "forwarded") forwarded = joined(forwarded, value);
      else if (name === "x-forwarded-proto") forwardedProto = joined(forwardedProto, value);
      else forwardedHost = joined(forwardedHost, value);
      continue;
    }
    if (name === "x-request-id" || name === "expect" || isHopByHop(name, named)) continue;
    if (name === "host") host = value;
    lines.push(raw, value);
  }
  const element = forwardedElement(context.peer, context.proto, host);
  lines.push(
    "x-forwarded-for",
    forwardedFor === undefined ? context.peer : `${forwardedFor}, ${context.peer}`,
    "x-forwarded-proto",
    forwardedProto ?? context.proto,
    "x-forwarded-host",
    forwardedHost ?? host,
    "forwarded",
    forwarded === undefined ? element : `${forwarded}, ${element}`,
    "x-request-id",
    context.requestId,
  );
  return lines;
}

/**
 * A strict scanner of HTTP/1.1 request heads for the fast path. It accepts only the plainest
 * shape — an origin-form target, `HTTP/1.1`, CRLF line ends, token header names, printable ASCII
 * values, exactly one Host, no body (no Content-Length, no Transfer-Encoding), no Upgrade or Expect —
 * and says `handoff` for everything else, so that Node's own parser (llhttp) decides every request
 * that is unusual, ambiguous or malformed. What it accepts, llhttp parses the same way: no request
 * can be framed differently by the two (no smuggling through the fast path).
 */

/** Heads longer than this go to Node's server (which answers 431 past its own 16 KiB limit). */
export const FAST_HEAD_LIMIT = 8 * 1024;

const HEAD_END = Buffer.from("\r\n\r\n");

/** Methods taken without a body; others (CONNECT, TRACE, extension methods) go to Node's server. */
const METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/** RFC 9110 tchar, by character code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;

/** The few request headers the router reads, as Node's `request.headers` would hold them. */
export type FastHeaders = {
  host: string;
  "x-request-id"?: string;
  "x-forwarded-for"?: string;
  "x-forwarded-proto"?: string;
};

/** A request head the fast path serves; the shape of an `IncomingMessage` the router's checks read. */
export interface FastRequestHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersionMajor: 1;
  /** `[name, value, …]` as sent (values without surrounding whitespace). */
  readonly rawHeaders: string[];
  readonly headers: FastHeaders;
  /** The client asked to close the connection after this response. */
  readonly close: boolean;
  /** The connection it came on (the router reads the peer address). */
  readonly socket: { readonly remoteAddress?: string | undefined };
}

export type HeadScan =
  | {
      readonly kind: "request";
      readonly head: FastRequestHead;
      /** Offset just past the head. */
      readonly end: number;
    }
  | { readonly kind: "incomplete" }
  | { readonly kind: "handoff" };

const INCOMPLETE: HeadScan = { kind: "incomplete" };
const HANDOFF: HeadScan = { kind: "handoff" };

/** Printable ASCII only (0x21–0x7E): no spaces, controls or bytes past ASCII. */
function isVisible(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Field value characters: printable ASCII, space and tab (no CR, LF, NUL or obs-text). */
function isFieldValue(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c > 0x7e) return false;
  }
  return true;
}

const joined = (before: string | undefined, value: string) =>
  before === undefined ? value : `${before}, ${value}`;

/** Reads the request head starting at `start` in `buffer`. */
export function scanRequestHead(buffer: Buffer, start: number, socket: FastRequestHead["socket"]): HeadScan {
  const found = buffer.indexOf(HEAD_END, start);
  if (found < 0) return buffer.length - start > FAST_HEAD_LIMIT ? HANDOFF : INCOMPLETE;
  if (found - start > FAST_HEAD_LIMIT) return HANDOFF;
  // Up to and including the CRLF of the last header line.
  const text = buffer.toString("latin1", start, found + 2);
  const lineEnd = text.indexOf("\r\n");
  const sp1 = text.indexOf(" ");
  const sp2 = text.indexOf(" ", sp1 + 1);
  if (sp1 < 0 || sp2 < 0 || sp2 > lineEnd) return HANDOFF;
  const method = text.slice(0, sp1);
  if (!METHODS.has(method)) return HANDOFF;
  if (text.charCodeAt(sp1 + 1) !== 0x2f || !isVisible(text, sp1 + 1, sp2)) return HANDOFF;
  if (lineEnd - sp2 !== 9 || !text.startsWith("HTTP/1.1", sp2 + 1)) return HANDOFF;
  const rawHeaders: string[] = [];
  const headers: FastHeaders = { host: "" };
  let hosts = 0;
  let close = false;
  for (let pos = lineEnd + 2; pos < text.length; ) {
    const end = text.indexOf("\r\n", pos);
    let colon = pos;
    while (colon < end && text.charCodeAt(colon) < 128 && TCHAR[text.charCodeAt(colon)] === 1) colon++;
    if (colon === pos || colon === end || text.charCodeAt(colon) !== 0x3a) return HANDOFF;
    if (!isFieldValue(text, colon + 1, end)) return HANDOFF;
    let from = colon + 1;
    let to = end;
    while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
    const name = text.slice(pos, colon);
    const value = text.slice(from, to);
    pos = end + 2;
    rawHeaders.push(name, value);
    // Lower-cased only when the length could name a header the fast path reads.
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === "host") {
          hosts++;
          headers.host = value;
        }
        break;
      case 6:
      case 7:
      case 14:
      case 17: {
        const lower = name.toLowerCase();
        if (lower === "expect" || lower === "upgrade" || lower === "content-length") return HANDOFF;
        if (lower === "transfer-encoding") return HANDOFF;
        if (lower === "x-forwarded-proto")
          headers["x-forwarded-proto"] = joined(headers["x-forwarded-proto"], value);
        break;
      }
      case 10:
        if (name.toLowerCase() === "connection") {
          for (const token of value.toLowerCase().split(",")) {
            const option = token.trim();
            if (option === "close") close = true;
            else if (option === "upgrade" || option === "http2-settings") return HANDOFF;
          }
        }
        break;
      case 12:
        if (name.toLowerCase() === "x-request-id")
          headers["x-request-id"] = joined(headers["x-request-id"], value);
        break;
      case 13:
        if (name.toLowerCase() === "http2-settings") return HANDOFF;
        break;
      case 15:
        if (name.toLowerCase() === "x-forwarded-for")
          headers["x-forwarded-for"] = joined(headers["x-forwarded-for"], value);
        break;
    }
  }
  if (hosts !== 1) return HANDOFF;
  return {
    kind: "request",
    head: { method, url: text.slice(sp1 + 1, sp2), httpVersionMajor: 1, rawHeaders, headers, close, socket },
    end: found + 4,
  };
}

import { STATUS_CODES } from "node:http";

/** Response heads past this are refused (502): the router's own bound on what it buffers. */
export const RESPONSE_HEAD_LIMIT = 64 * 1024;

const HEAD_END = Buffer.from("\r\n\r\n");

/** How the end of a response body is found. */
export type BodyFraming = "none" | "length" | "chunked" | "close";

/** An upstream's response head, read from the bytes it sent. */
export interface UpstreamResponseHead {
  readonly status: number;
  readonly reason: string;
  /** `[name, value, …]` as sent. */
  readonly rawHeaders: string[];
  readonly framing: BodyFraming;
  /** Body bytes for `length` framing. */
  readonly length: number;
  /** The upstream keeps the connection open after this response. */
  readonly keepAlive: boolean;
  /** Offset just past the head. */
  readonly end: number;
}

export type ResponseScan =
  | { readonly kind: "head"; readonly head: UpstreamResponseHead }
  | { readonly kind: "incomplete" }
  | { readonly kind: "invalid" };

const INCOMPLETE: ResponseScan = { kind: "incomplete" };
const INVALID: ResponseScan = { kind: "invalid" };

/** Header value characters a response may carry: anything but controls (obs-text is passed on as sent). */
function isFieldValue(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/**
 * Reads the head of an upstream's response in `buffer` from `start`. The body's framing follows
 * RFC 9112 §6.3: none for HEAD, 1xx, 204 and 304; chunked when Transfer-Encoding is exactly
 * `chunked`; Content-Length when it is one number; else until the upstream closes. A response
 * with both, several lengths or another transfer coding is invalid (never guessed).
 */
export function scanResponseHead(buffer: Buffer, start: number, method: string): ResponseScan {
  const found = buffer.indexOf(HEAD_END, start);
  if (found < 0) return buffer.length - start > RESPONSE_HEAD_LIMIT ? INVALID : INCOMPLETE;
  if (found - start > RESPONSE_HEAD_LIMIT) return INVALID;
  const text = buffer.toString("latin1", start, found + 2);
  const lineEnd = text.indexOf("\r\n");
  const http11 = text.startsWith("HTTP/1.1 ");
  if (!http11 && !text.startsWith("HTTP/1.0 ")) return INVALID;
  const code = text.slice(9, 12);
  if (!/^[1-5]\d\d$/.test(code) || (lineEnd > 12 && text.charCodeAt(12) !== 0x20)) return INVALID;
  const status = Number(code);
  const reason = lineEnd > 13 ? text.slice(13, lineEnd) : (STATUS_CODES[status] ?? "");
  if (!isFieldValue(reason, 0, reason.length)) return INVALID;
  const rawHeaders: string[] = [];
  let lengths = 0;
  let length = 0;
  let chunked = false;
  let coded = false;
  let keepAlive = http11;
  for (let pos = lineEnd + 2; pos < text.length; ) {
    const end = text.indexOf("\r\n", pos);
    const colon = text.indexOf(":", pos);
    if (colon <= pos || colon > end || !isFieldValue(text, pos, end)) return INVALID;
    const name = text.slice(pos, colon);
    if (name.includes(" ") || name.includes("\t")) return INVALID;
    const value = text.slice(colon + 1, end).trim();
    pos = end + 2;
    rawHeaders.push(name, value);
    const lower = name.length === 10 || name.length === 14 || name.length === 17 ? name.toLowerCase() : "";
    if (lower === "content-length") {
      if (!/^\d{1,15}$/.test(value)) return INVALID;
      lengths++;
      length = Number(value);
    } else if (lower === "transfer-encoding") {
      if (coded) return INVALID;
      coded = true;
      chunked = value.toLowerCase() === "chunked";
    } else if (lower === "connection") {
      for (const token of value.toLowerCase().split(",")) if (token.trim() === "close") keepAlive = false;
    }
  }
  if (lengths > 1 || (coded && (lengths > 0 || !chunked))) return INVALID;
  const bodiless = method === "HEAD" || status < 200 || status === 204 || status === 304;
  const framing: BodyFraming = bodiless ? "none" : chunked ? "chunked" : lengths === 1 ? "length" : "close";
  return {
    kind: "head",
    head: {
      status,
      reason,
      rawHeaders,
      framing,
      length,
      keepAlive: keepAlive && framing !== "close",
      end: found + 4,
    },
  };
}

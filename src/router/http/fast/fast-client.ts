import type { RequestRecord } from "../context.js";
import type { FastRequestHead } from "./request-head.js";

/** The client side of a fast exchange: the connection the request came in on. */
export interface FastClient {
  /** Writes bytes to the client; false when its buffer is full (wait for `drain`). */
  write(chunk: Buffer | string): boolean;
  /** Holds writes until `uncork`: a head and the first body bytes leave in one system call. */
  cork(): void;
  uncork(): void;
  /** Cuts the client connection (a response cut in the middle). */
  destroy(): void;
  /** The router's own answer (errors): status, body, extra headers, then `done`. */
  reply(
    record: RequestRecord,
    request: FastRequestHead,
    status: number,
    body: string,
    headers?: Record<string, string>,
  ): void;
  /** The exchange is over; `close`: the connection ends after it. */
  done(close: boolean): void;
}

/** Serialises a flat `[name, value, …]` list as header lines. */
export function headerLines(lines: readonly string[]): string {
  let text = "";
  for (let i = 0; i < lines.length; i += 2) text += `${lines[i]}: ${lines[i + 1]}\r\n`;
  return text;
}

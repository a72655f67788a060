import { type OutgoingHttpHeaders, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Answers a request the router handles itself (errors, redirects, ACME, maintenance). */
export function sendResponse(
  response: ServerResponse,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const payload = Buffer.from(body);
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
    "content-length": payload.length,
  });
  response.end(response.req.method === "HEAD" ? undefined : payload);
}

/** The same for an `upgrade` request, whose socket has no `ServerResponse`: raw HTTP/1.1, then close. */
export function sendRawResponse(
  socket: Duplex,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void {
  if (socket.destroyed) return;
  const payload = Buffer.from(body);
  const all: OutgoingHttpHeaders = {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
    "content-length": payload.length,
    connection: "close",
  };
  socket.end(Buffer.concat([Buffer.from(rawHead(status, all)), payload]));
}

/** `HTTP/1.1 <status> <reason>` and the header lines, ending with the empty line. */
export function rawHead(status: number, headers: OutgoingHttpHeaders, reason = STATUS_CODES[status]): string {
  let head = `HTTP/1.1 ${status} ${reason ?? ""}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${one}\r\n`;
  }
  return `${head}\r\n`;
}

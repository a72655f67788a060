import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import type { RouterContext } from "./context.js";
import { gate } from "./gate.js";
import { finishRecord, startRecord } from "./request-record.js";
import { sendRawResponse } from "./responses.js";
import { NO_SECURITY_HEADERS } from "./security-headers.js";
import { proxyWebSocket } from "./websocket-proxy.js";

/** The `upgrade` listener of the HTTP and HTTPS servers: WebSocket handshakes. */
export function handleUpgrade(
  context: RouterContext,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  listener: "http" | "https",
  /** The `host:port` of the published port the request came in on; none for the shared listeners. */
  published?: string,
): void {
  socket.on("error", () => socket.destroy());
  const snapshot = context.snapshot();
  if (!snapshot) {
    sendRawResponse(socket, 503, "not configured yet\n", { "retry-after": "5" });
    return;
  }
  const { record, forwarding } = startRecord(snapshot, request, listener);
  const headers = {
    ...(published === undefined ? snapshot.security[record.proto] : NO_SECURITY_HEADERS),
    "x-request-id": record.requestId,
  };
  const reply = (status: number, body: string, extra: OutgoingHttpHeaders = {}) => {
    sendRawResponse(socket, status, body, { ...headers, ...extra });
    finishRecord(context, request, record, status, Buffer.byteLength(body));
  };
  if (String(request.headers.upgrade ?? "").toLowerCase() !== "websocket") {
    reply(400, "only WebSocket upgrades are proxied\n");
    return;
  }
  const decision = gate(context, snapshot, request, record, listener, published);
  if (decision.kind === "respond") reply(decision.status, decision.body, decision.headers);
  else if (decision.kind === "static") reply(400, "this path serves static files, not WebSockets\n");
  else
    proxyWebSocket(context, {
      request,
      socket,
      head,
      route: decision.route,
      snapshot,
      record,
      forwarding,
      headers,
    }).catch(() => socket.destroy());
}

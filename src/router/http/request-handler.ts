import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { BodylessExchange } from "./bodyless-proxy.js";
import type { RouterContext } from "./context.js";
import { gate } from "./gate.js";
import { proxyRequest } from "./http-proxy.js";
import { finishRecord, startRecord } from "./request-record.js";
import { sendResponse } from "./responses.js";
import { NO_SECURITY_HEADERS } from "./security-headers.js";
import { serveStatic } from "./static-files.js";
import { hasBody } from "./upstream-request.js";

/** Client closed the connection before an answer (nginx's convention). */
const CLIENT_CLOSED = 499;

/** The `request` listener of the HTTP and HTTPS servers. */
export function handleRequest(
  context: RouterContext,
  request: IncomingMessage,
  response: ServerResponse,
  listener: "http" | "https",
  /** The `host:port` of the published port the request came in on; none for the shared listeners. */
  published?: string,
): void {
  const snapshot = context.snapshot();
  if (!snapshot) {
    sendResponse(response, 503, "not configured yet\n", { "retry-after": "5" });
    return;
  }
  const { record, forwarding } = startRecord(snapshot, request, listener);
  let bodyless: BodylessExchange | undefined;
  response.once("close", () => {
    bodyless?.clientClosed();
    const status = response.headersSent ? response.statusCode : CLIENT_CLOSED;
    finishRecord(context, request, record, status, Number(response.getHeader("content-length") ?? 0));
  });
  const security = published === undefined ? snapshot.security[record.proto] : NO_SECURITY_HEADERS;
  const reply = (status: number, body: string, headers: OutgoingHttpHeaders = {}) =>
    sendResponse(response, status, body, { ...security, "x-request-id": record.requestId, ...headers });
  const decision = gate(context, snapshot, request, record, listener, published);
  switch (decision.kind) {
    case "respond":
      reply(decision.status, decision.body, decision.headers);
      return;
    case "static":
      serveStatic(request, response, decision.route, { ...security, "x-request-id": record.requestId }).catch(
        () => reply(500, "cannot read the file\n"),
      );
      return;
    case "proxy": {
      const route = decision.route;
      if (!hasBody(request)) {
        bodyless = new BodylessExchange(context, {
          request,
          response,
          route,
          snapshot,
          record,
          forwarding,
          reply,
        });
        bodyless.start();
        return;
      }
      const release = context.uploads.take(record.clientIp);
      if (!release) {
        reply(429, "too many requests with a body at once from this address\n", {
          "retry-after": "1",
          connection: "close",
        });
        return;
      }
      response.once("close", release);
      proxyRequest(context, {
        request,
        response,
        route,
        snapshot,
        record,
        forwarding,
        reply,
      }).catch(() => reply(502, "proxy error\n"));
    }
  }
}

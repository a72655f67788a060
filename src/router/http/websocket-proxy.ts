import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import type { HttpRoute } from "../model.js";
import type { RequestRecord, RouterContext, Snapshot } from "./context.js";
import { type ForwardingContext, upstreamRequestHeaders, withoutHopByHop } from "./forwarded.js";
import type { LongLivedConnection } from "./inflight.js";
import { finishRecord } from "./request-record.js";
import { rawHead, sendRawResponse } from "./responses.js";
import { stripPathPrefix } from "./route-table.js";
import { acquireUpstream, ConnectFailed } from "./upstream-connect.js";
import { openUpstreamRequest } from "./upstream-request.js";
import { WebSocketPipe } from "./websocket-pipe.js";

type Handshake =
  | {
      readonly kind: "upgraded";
      readonly response: IncomingMessage;
      readonly socket: Duplex;
      readonly head: Buffer;
    }
  | { readonly kind: "refused"; readonly response: IncomingMessage }
  | { readonly kind: "timeout" }
  | { readonly kind: "lost" };

const MAX_SENDS = 3;

export interface WebSocketExchange {
  readonly request: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly route: HttpRoute;
  readonly snapshot: Snapshot;
  readonly record: RequestRecord;
  readonly forwarding: ForwardingContext;
  /** Security headers and the request id, for answers of the router's own. */
  readonly headers: OutgoingHttpHeaders;
}

/**
 * Proxies a WebSocket handshake like a GET (retried on another upstream while nothing came back),
 * then joins the two sockets and tracks the session on its upstream for `inFlight` and draining.
 */
export async function proxyWebSocket(context: RouterContext, exchange: WebSocketExchange): Promise<void> {
  const { request, socket, route, snapshot, record } = exchange;
  const finish = (status: number) => finishRecord(context, request, record, status, 0);
  const reply = (status: number, body: string, headers: OutgoingHttpHeaders = {}) => {
    sendRawResponse(socket, status, body, { ...exchange.headers, ...headers });
    finish(status);
  };
  const headers = upstreamRequestHeaders(request.headers, { ...exchange.forwarding, upgrade: true });
  const path = route.stripPrefix
    ? stripPathPrefix(route.pathPrefix, request.url ?? "/")
    : (request.url ?? "/");
  const tried = new Set<string>();
  const deadlineMs = Date.now() + snapshot.config.limits.queueTimeoutMs;
  for (let send = 1; send <= MAX_SENDS; send++) {
    let endInFlight = () => {};
    const acquired = await acquireUpstream<ClientRequest>(context, {
      routeId: route.id,
      deadlineMs,
      tried,
      aborted: () => socket.destroyed,
      connect: async ({ upstream }) => {
        const end = context.inflight.startRequest(upstream.id);
        const options = {
          agent: false,
          host: upstream.host,
          port: upstream.port,
          method: "GET",
          path,
          headers,
        };
        const opened = await openUpstreamRequest(
          { ...options, setHost: false },
          context.settings.connectTimeoutMs,
        );
        if (opened instanceof ConnectFailed) end();
        else endInFlight = end;
        return opened;
      },
    });
    if (acquired.kind === "aborted") return finish(499);
    if (acquired.kind === "unavailable")
      return reply(503, "no instance of this service is available\n", { "retry-after": "5" });
    const { set, upstream } = acquired.choice;
    record.set = set;
    record.upstream = upstream;
    const labels = { project: route.project, service: route.service, route: route.id, version: set.version };
    const outcome = await handshake(acquired.value, snapshot.config.limits.requestTimeoutMs);
    endInFlight();
    switch (outcome.kind) {
      case "upgraded":
        join(context, exchange, outcome);
        return finish(101);
      case "refused":
        socket.write(
          rawHead(outcome.response.statusCode ?? 502, refusalHeaders(outcome.response, exchange.headers)),
        );
        outcome.response.on("error", () => socket.destroy());
        outcome.response.pipe(socket);
        return finish(outcome.response.statusCode ?? 502);
      case "timeout":
        context.metrics.upstreamError(labels, upstream.id, "timeout");
        return reply(504, "the service did not answer in time\n");
      case "lost":
        context.metrics.upstreamError(labels, upstream.id, "reset");
        tried.add(upstream.id);
    }
  }
  reply(502, "the service closed the connection without answering\n");
}

function handshake(upstreamRequest: ClientRequest, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Handshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.kind === "timeout" || outcome.kind === "lost") upstreamRequest.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ kind: "timeout" }), timeoutMs);
    upstreamRequest.once("upgrade", (response, socket, head) =>
      done({ kind: "upgraded", response, socket, head }),
    );
    upstreamRequest.once("response", (response) => done({ kind: "refused", response }));
    upstreamRequest.on("error", () => done({ kind: "lost" }));
    upstreamRequest.once("close", () => done({ kind: "lost" }));
    upstreamRequest.end();
  });
}

function refusalHeaders(response: IncomingMessage, own: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...own, ...withoutHopByHop(response.headers) };
  headers.connection = "close";
  return headers;
}

function join(
  context: RouterContext,
  exchange: WebSocketExchange,
  upgraded: Extract<Handshake, { kind: "upgraded" }>,
): void {
  const { socket: client, route, record } = exchange;
  const upstreamSocket = upgraded.socket;
  let head = `HTTP/1.1 101 ${upgraded.response.statusMessage || "Switching Protocols"}\r\n`;
  const raw = upgraded.response.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) head += `${raw[index]}: ${raw[index + 1]}\r\n`;
  client.write(`${head}\r\n`);
  for (const socket of [client, upstreamSocket]) {
    if ("setNoDelay" in socket && typeof socket.setNoDelay === "function") socket.setNoDelay(true);
    if ("setTimeout" in socket && typeof socket.setTimeout === "function") socket.setTimeout(0);
  }
  if (exchange.head.length > 0) upstreamSocket.write(exchange.head);
  const version = record.set?.version ?? "none";
  const closeGauge = context.metrics.websocketOpened({
    project: route.project,
    service: route.service,
    version,
  });
  let untrack = () => {};
  const pipe = new WebSocketPipe(client, upstreamSocket, () => {
    closeGauge();
    untrack();
  });
  const connection: LongLivedConnection = {
    kind: "websocket",
    routeId: route.id,
    upstreamId: record.upstream?.id ?? "",
    drainTimeoutMs: route.drainTimeoutMs,
    drainClose: () => pipe.goAway(),
    destroy: () => pipe.destroy(),
  };
  untrack = context.trackLongLived(connection);
  pipe.forwardEarly(upgraded.head);
}

import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { HttpRoute } from "../model.js";
import type { RequestRecord, RouterContext, Snapshot } from "./context.js";
import { type ForwardingContext, upstreamRequestHeaders } from "./forwarded.js";
import { type RelayOptions, relayResponse, sendBody } from "./http-exchange.js";
import { stripPathPrefix } from "./route-table.js";
import { NO_SECURITY_HEADERS } from "./security-headers.js";
import { acquireUpstream, ConnectFailed } from "./upstream-connect.js";
import { type DispatchedRequest, dispatchBodyless } from "./upstream-dispatch.js";
import { hasBody, IDEMPOTENT_METHODS, openUpstreamRequest } from "./upstream-request.js";

/** Answers the request with a response of the router's own (security headers already included). */
export type Reply = (status: number, body: string, headers?: OutgoingHttpHeaders) => void;

/** Sends a request, replays on another upstream, at most this many times. */
export const MAX_SENDS = 3;

/** Where a request the bodyless path started stands when it hands over (it has to wait for an upstream). */
export interface ProxyResume {
  /** Upstreams already tried. */
  readonly tried: Set<string>;
  /** The number of the next send. */
  readonly send: number;
  /** `Date.now()` after which it stops waiting (arrival + `queueTimeoutMs`). */
  readonly deadlineMs: number;
}

/**
 * Proxies one request of an HTTP route. A connection that cannot be made is retried on another
 * upstream (inside `acquireUpstream`); a request that was sent and lost before any response byte
 * is replayed only when it is idempotent and has no body.
 */
export async function proxyRequest(
  context: RouterContext,
  exchange: {
    readonly request: IncomingMessage;
    readonly response: ServerResponse;
    readonly route: HttpRoute;
    readonly snapshot: Snapshot;
    readonly record: RequestRecord;
    readonly forwarding: ForwardingContext;
    readonly reply: Reply;
    readonly resume?: ProxyResume | undefined;
  },
): Promise<void> {
  const { request, response, route, snapshot, record, reply } = exchange;
  const limits = snapshot.config.limits;
  const withBody = hasBody(request);
  const replayable = IDEMPOTENT_METHODS.has(request.method ?? "") && !withBody;
  const headers = upstreamRequestHeaders(request.headers, exchange.forwarding);
  const path = route.stripPrefix
    ? stripPathPrefix(route.pathPrefix, request.url ?? "/")
    : (request.url ?? "/");
  const relayOptions: RelayOptions = {
    timeoutMs: limits.requestTimeoutMs,
    securityHeaders: route.listen ? NO_SECURITY_HEADERS : snapshot.security[record.proto],
    requestId: record.requestId,
    onBytes: (bytes) => {
      record.bytes = bytes;
    },
  };
  const tried = exchange.resume?.tried ?? new Set<string>();
  const deadlineMs = exchange.resume?.deadlineMs ?? Date.now() + limits.queueTimeoutMs;
  for (let send = exchange.resume?.send ?? 1; send <= MAX_SENDS; send++) {
    let endInFlight = () => {};
    const acquired = await acquireUpstream<Sent>(context, {
      routeId: route.id,
      deadlineMs,
      tried,
      aborted: () => response.destroyed,
      connect: async ({ upstream }) => {
        const end = context.inflight.startRequest(upstream.id);
        try {
          const sent: Sent | ConnectFailed = withBody
            ? await openUpstreamRequest(
                {
                  agent: context.agents.for(upstream),
                  host: upstream.host,
                  port: upstream.port,
                  method: request.method,
                  path,
                  headers,
                  setHost: false,
                },
                context.settings.connectTimeoutMs,
              ).then((opened) =>
                opened instanceof ConnectFailed ? opened : { kind: "node" as const, opened },
              )
            : await dispatchBodyless(
                context.agents.pool(upstream),
                { method: request.method ?? "GET", path, headers },
                response,
                relayOptions,
              ).then((dispatched) =>
                dispatched instanceof ConnectFailed ? dispatched : { kind: "pool" as const, dispatched },
              );
          if (sent instanceof ConnectFailed) end();
          else endInFlight = end;
          return sent;
        } catch (error) {
          end();
          throw error;
        }
      },
    });
    if (acquired.kind === "aborted") return;
    if (acquired.kind === "unavailable") {
      reply(503, "no instance of this service is available, try again shortly\n", { "retry-after": "5" });
      return;
    }
    const { set, upstream } = acquired.choice;
    record.set = set;
    record.upstream = upstream;
    const sent = acquired.value;
    const outcome =
      sent.kind === "node"
        ? await relay(exchange, sent.opened, relayOptions)
        : await sent.dispatched.outcome.then((result) => {
            if (result === "timeout") reply(504, "the service did not answer in time\n");
            else if (result === "lost" && response.destroyed) return "done";
            return result;
          });
    endInFlight();
    if (outcome === "done") return;
    const labels = { project: route.project, service: route.service, route: route.id, version: set.version };
    context.metrics.upstreamError(labels, upstream.id, outcome === "timeout" ? "timeout" : "reset");
    if (outcome === "timeout") return;
    if (!replayable || send === MAX_SENDS) {
      reply(502, "the service closed the connection without answering\n");
      return;
    }
    tried.add(upstream.id);
  }
}

/** A request on its way: a `node:http` request (with a body) or one dispatched on an undici pool. */
type Sent =
  | { readonly kind: "node"; readonly opened: ClientRequest }
  | { readonly kind: "pool"; readonly dispatched: DispatchedRequest };

async function relay(
  exchange: Parameters<typeof proxyRequest>[1],
  upstreamRequest: ClientRequest,
  options: RelayOptions,
): Promise<"done" | "lost" | "timeout"> {
  const { request, response, reply, snapshot } = exchange;
  // A published port takes bodies of any size, as it did before the router served it.
  const limit = exchange.route.listen ? Number.POSITIVE_INFINITY : snapshot.config.limits.maxBodyBytes;
  const sent = sendBody(request, upstreamRequest, limit);
  const outcome = await relayResponse(upstreamRequest, response, options);
  if (outcome === "failed" && sent.tooLarge()) {
    reply(413, "request body too large\n", { connection: "close" });
    return "done";
  }
  if (outcome === "timeout") {
    reply(504, "the service did not answer in time\n");
    return "timeout";
  }
  if (outcome === "failed") return response.destroyed ? "done" : "lost";
  return "done";
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { HttpRoute } from "../model.js";
import type { Choice } from "./balancer.js";
import type { RequestRecord, RouterContext, Snapshot } from "./context.js";
import type { ForwardingContext } from "./forwarded.js";
import { MAX_SENDS, proxyRequest, type Reply } from "./http-proxy.js";
import { activeNotEjected } from "./pick-upstream.js";
import { relayedHeaderLines } from "./response-head.js";
import { stripPathPrefix } from "./route-table.js";
import { NO_SECURITY_HEADERS } from "./security-headers.js";
import { upstreamHeaderList } from "./upstream-headers.js";
import { IDEMPOTENT_METHODS } from "./upstream-request.js";

const TIMEOUT_ERRORS: ReadonlySet<string> = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export interface BodylessInit {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly route: HttpRoute;
  readonly snapshot: Snapshot;
  readonly record: RequestRecord;
  readonly forwarding: ForwardingContext;
  readonly reply: Reply;
}

/** One send to one upstream: undici's handler (its plain callback form: no wrapper, no headers object). */
class Attempt implements Dispatcher.DispatchHandler {
  started = false;
  responded = false;
  ended = false;
  bytes = 0;
  abort: ((error?: Error) => void) | undefined;
  resume: (() => void) | undefined;

  constructor(
    readonly exchange: BodylessExchange,
    readonly choice: Choice,
  ) {}

  onConnect(abort: (error?: Error) => void): void {
    this.started = true;
    this.abort = abort;
    this.exchange.connected(this);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx: the final answer follows
    this.resume = resume;
    return this.exchange.head(this, statusCode, rawHeaders, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.exchange.data(this, chunk);
  }

  onComplete(): void {
    this.exchange.complete(this);
  }

  onError(error: Error): void {
    this.exchange.failed(this, error);
  }
}

/**
 * A request without a body, proxied on a pooled keep-alive connection with as little as possible
 * per request: one exchange object and one handler per send, the header list built in one pass,
 * no promise. Everything the general path does for such a request is kept: balancing, passive
 * ejection and another upstream after a refused connection, replay of an idempotent request lost
 * before any response byte (at most `MAX_SENDS` sends), timeouts, in-flight counts and metrics.
 * When no upstream can be picked it hands over to `proxyRequest`, which waits for one.
 */
export class BodylessExchange {
  private readonly headers: string[];
  private readonly path: string;
  private tried: Set<string> | undefined;
  private sends = 1;
  private current: Attempt | undefined;

  constructor(
    private readonly context: RouterContext,
    private readonly init: BodylessInit,
  ) {
    const { request, route, forwarding } = init;
    this.headers = upstreamHeaderList(request.rawHeaders, forwarding);
    const url = request.url ?? "/";
    this.path = route.stripPrefix ? stripPathPrefix(route.pathPrefix, url) : url;
  }

  start(): void {
    const { context, init } = this;
    if (init.response.destroyed) return;
    const route = context.snapshot()?.routesById.get(init.route.id);
    const tried = this.tried;
    const choice =
      route?.kind === "http"
        ? tried === undefined
          ? context.balancer.pick(route.id, route.sets, activeNotEjected(context))
          : context.balancer.pick(
              route.id,
              route.sets,
              (u) => u.state === "active" && !tried.has(u.id) && !context.ejection.isEjected(u.id),
            )
        : undefined;
    if (!choice) {
      const arrivedMs = Date.now() - (performance.now() - init.record.startedMs);
      const deadlineMs = arrivedMs + init.snapshot.config.limits.queueTimeoutMs;
      // The general path waits for an upstream (or answers 503 at the deadline).
      const resume = { tried: this.tried ?? new Set<string>(), send: this.sends, deadlineMs };
      proxyRequest(context, { ...init, resume }).catch(() => init.reply(502, "proxy error\n"));
      return;
    }
    const attempt = new Attempt(this, choice);
    this.current = attempt;
    const timeout = init.snapshot.config.limits.requestTimeoutMs;
    context.inflight.requestStarted(choice.upstream.id);
    try {
      context.agents.pool(choice.upstream).dispatch(
        {
          method: (init.request.method ?? "GET") as Dispatcher.HttpMethod,
          path: this.path,
          headers: this.headers,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        },
        attempt,
      );
    } catch {
      // A request undici refuses to send (a header it cannot write); no other upstream would take it.
      this.end(attempt);
      init.reply(502, "proxy error\n");
    }
  }

  /** The client went away: the upstream request is cut unless its answer is complete. */
  clientClosed(): void {
    const attempt = this.current;
    if (attempt && !attempt.ended && !this.init.response.writableFinished)
      attempt.abort?.(new Error("client went away"));
  }

  connected(attempt: Attempt): void {
    this.init.record.set = attempt.choice.set;
    this.init.record.upstream = attempt.choice.upstream;
  }

  head(attempt: Attempt, statusCode: number, rawHeaders: Buffer[], statusText: string): boolean {
    const { response, record, snapshot } = this.init;
    if (response.destroyed) {
      attempt.abort?.(new Error("client went away"));
      return false;
    }
    attempt.responded = true;
    const lines: string[] = new Array(rawHeaders.length);
    for (let index = 0; index < rawHeaders.length; index++)
      lines[index] = rawHeaders[index]!.toString("latin1");
    response.writeHead(
      statusCode,
      statusText,
      // A published port answers as the app does: no security header of the router's own.
      relayedHeaderLines(
        lines,
        this.init.route.listen ? NO_SECURITY_HEADERS : snapshot.security[record.proto],
        record.requestId,
      ),
    );
    record.bytes = 0;
    return true;
  }

  data(attempt: Attempt, chunk: Buffer): boolean {
    const { response, record } = this.init;
    attempt.bytes += chunk.length;
    record.bytes = attempt.bytes;
    if (response.write(chunk)) return true;
    if (attempt.resume) response.once("drain", attempt.resume);
    return false;
  }

  complete(attempt: Attempt): void {
    this.end(attempt);
    if (!this.init.response.destroyed) this.init.response.end();
  }

  private end(attempt: Attempt): void {
    if (attempt.ended) return;
    attempt.ended = true;
    this.context.inflight.requestEnded(attempt.choice.upstream.id);
  }

  failed(attempt: Attempt, error: Error): void {
    if (attempt.ended) return;
    this.end(attempt);
    const { context, init } = this;
    const { set, upstream } = attempt.choice;
    const route = init.route;
    const labels = { project: route.project, service: route.service, route: route.id, version: set.version };
    const code = (error as NodeJS.ErrnoException).code ?? "";
    this.tried ??= new Set();
    if (!attempt.started) {
      // Nothing was sent: another upstream may take it at once.
      this.tried.add(upstream.id);
      context.ejection.eject(upstream.id);
      context.metrics.upstreamError(
        labels,
        upstream.id,
        code === "UND_ERR_CONNECT_TIMEOUT" ? "timeout" : "connect",
      );
      context.stats.record(route.id, set.version, { error: true });
      this.start();
      return;
    }
    if (attempt.responded) {
      // Cut in the middle of the body: the client sees the connection end, not a complete answer.
      init.response.destroy();
      return;
    }
    const timeout = TIMEOUT_ERRORS.has(code);
    if (!timeout && init.response.destroyed) return;
    context.metrics.upstreamError(labels, upstream.id, timeout ? "timeout" : "reset");
    if (timeout) {
      init.reply(504, "the service did not answer in time\n");
      return;
    }
    if (!IDEMPOTENT_METHODS.has(init.request.method ?? "") || this.sends === MAX_SENDS) {
      init.reply(502, "the service closed the connection without answering\n");
      return;
    }
    this.tried.add(upstream.id);
    this.sends++;
    this.start();
  }
}

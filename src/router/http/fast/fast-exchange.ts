import type { HttpRoute } from "../../model.js";
import type { Choice } from "../balancer.js";
import type { RequestRecord, RouterContext, Snapshot } from "../context.js";
import type { ForwardingContext } from "../forwarded.js";
import { MAX_SENDS } from "../http-proxy.js";
import { pickUpstream } from "../pick-upstream.js";
import { finishRecord } from "../request-record.js";
import { relayedHeaderLines } from "../response-head.js";
import { stripPathPrefix } from "../route-table.js";
import { NO_SECURITY_HEADERS } from "../security-headers.js";
import { upstreamHeaderList } from "../upstream-headers.js";
import { IDEMPOTENT_METHODS } from "../upstream-request.js";
import { BodyTracker } from "./body-framing.js";
import { type FastClient, headerLines } from "./fast-client.js";
import type { FastRequestHead } from "./request-head.js";
import { scanResponseHead, type UpstreamResponseHead } from "./response-head.js";
import type { UpstreamConnection, UpstreamOwner } from "./upstream-sockets.js";

/**
 * One request of the fast path proxied to an upstream over a pooled raw connection: the upstream's
 * response bytes are relayed as they come, the head rewritten (hop-by-hop headers out, security
 * headers and the request id in), the body passed on unchanged with its framing followed to find
 * its end. Kept from the general path: balancing, passive ejection and another upstream after a
 * refused connection, waiting for an upstream up to `queueTimeoutMs`, replay of an idempotent
 * request lost before any response byte (at most `MAX_SENDS` sends), the request timeout, in-flight
 * counts, metrics, version stats and the access log.
 */
export class FastExchange implements UpstreamOwner {
  private readonly requestHead: string;
  private tried: Set<string> | undefined;
  private sends = 1;
  private choice: Choice | undefined;
  private connection: UpstreamConnection | undefined;
  private pending: Buffer | undefined;
  private response: UpstreamResponseHead | undefined;
  private body: BodyTracker | undefined;
  private finished = false;
  private closeAfter: boolean;

  constructor(
    private readonly context: RouterContext,
    private readonly client: FastClient,
    readonly request: FastRequestHead,
    private readonly route: HttpRoute,
    private readonly snapshot: Snapshot,
    readonly record: RequestRecord,
    forwarding: ForwardingContext,
  ) {
    const path = route.stripPrefix ? stripPathPrefix(route.pathPrefix, request.url) : request.url;
    this.requestHead = `${request.method} ${path} HTTP/1.1\r\n${headerLines(upstreamHeaderList(request.rawHeaders, forwarding))}\r\n`;
    this.closeAfter = request.close;
  }

  /** Picks an upstream and sends the request (again, after a refused connection or a lost answer). */
  start(): void {
    if (this.finished) return;
    const { context } = this;
    const choice = pickUpstream(context, this.route.id, this.tried);
    if (!choice) {
      this.waitForUpstream();
      return;
    }
    this.choice = choice;
    this.record.set = choice.set;
    this.record.upstream = choice.upstream;
    context.inflight.requestStarted(choice.upstream.id);
    const connection = context.agents.sockets(choice.upstream).take(this);
    connection.expectAnswerWithin(this.snapshot.config.limits.requestTimeoutMs);
    this.connection = connection;
    connection.socket.write(this.requestHead, "latin1");
  }

  /** No upstream now (a recreate, a restart): waits for the next apply, up to `queueTimeoutMs`. */
  private waitForUpstream(): void {
    const { context } = this;
    // Counted from the request's arrival, as the general path does.
    const waited = performance.now() - this.record.startedMs;
    const remaining = this.snapshot.config.limits.queueTimeoutMs - waited;
    if (remaining <= 0) {
      this.fail(503, "no instance of this service is available, try again shortly\n", { "retry-after": "5" });
      return;
    }
    void context.waitForChange(Math.min(remaining, context.settings.queueRetryMs)).then(() => {
      this.tried?.clear();
      this.start();
    });
  }

  upstreamData(chunk: Buffer): void {
    if (this.response) {
      this.relayBody(chunk, 0);
      return;
    }
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const scan = scanResponseHead(this.pending, start, this.request.method);
      if (scan.kind === "incomplete") {
        this.pending = this.pending.subarray(start);
        return;
      }
      if (scan.kind === "invalid") {
        this.lost("reset", false);
        return;
      }
      // 1xx before the final answer (103 Early Hints): skipped, as the general path does.
      if (scan.head.status < 200) {
        if (scan.head.status === 101) {
          this.lost("reset", false);
          return;
        }
        start = scan.head.end;
        continue;
      }
      this.respond(scan.head);
      return;
    }
  }

  private respond(head: UpstreamResponseHead): void {
    const pending = this.pending!;
    this.pending = undefined;
    this.response = head;
    this.body = new BodyTracker(head.framing, head.length);
    if (head.framing === "close") this.closeAfter = true;
    const { record } = this;
    const lines = relayedHeaderLines(
      head.rawHeaders,
      this.route.listen ? NO_SECURITY_HEADERS : this.snapshot.security[record.proto],
      record.requestId,
    );
    if (head.framing === "chunked") lines.push("transfer-encoding", "chunked");
    if (this.closeAfter) lines.push("connection", "close");
    record.bytes = 0;
    const { client } = this;
    client.cork();
    client.write(`HTTP/1.1 ${head.status} ${head.reason}\r\n${headerLines(lines)}\r\n`);
    this.relayBody(pending, head.end);
    client.uncork();
  }

  /** Passes body bytes on from `from`, and ends the exchange where the framing says the body ends. */
  private relayBody(chunk: Buffer, from: number): void {
    const body = this.body!;
    const end = body.scan(chunk, from);
    if (end < 0) {
      this.cut();
      return;
    }
    if (end > from) {
      this.record.bytes = body.payload;
      if (!this.client.write(from === 0 && end === chunk.length ? chunk : chunk.subarray(from, end)))
        this.connection?.socket.pause();
    }
    // Bytes past the end of the answer: the upstream broke the protocol; its connection is not reused.
    if (body.ended) this.complete(this.response!.keepAlive && end === chunk.length);
  }

  /** The client drained its buffer: the upstream may send again. */
  clientDrained(): void {
    this.connection?.socket.resume();
  }

  private complete(reusable: boolean): void {
    const connection = this.connection!;
    this.connection = undefined;
    if (reusable) this.context.agents.sockets(this.choice!.upstream).release(connection);
    else {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.end(this.response!.status);
    this.client.done(this.closeAfter);
  }

  upstreamGone(): void {
    if (this.finished || !this.connection) return;
    if (this.response) {
      if (this.response.framing === "close") {
        this.complete(false);
        return;
      }
      this.cut();
      return;
    }
    const connected = this.connection.connected;
    this.connection = undefined;
    if (!connected) {
      this.refused("connect");
      return;
    }
    this.lost("reset", this.pending === undefined);
  }

  upstreamTimedOut(): void {
    if (this.finished || !this.connection) return;
    if (!this.connection.connected) {
      this.connection.owner = undefined;
      this.connection.socket.destroy();
      this.connection = undefined;
      this.refused("timeout");
      return;
    }
    if (this.response) {
      this.cut();
      return;
    }
    this.lost("timeout", false);
  }

  /** No connection could be made: nothing was sent, another upstream takes the request at once. */
  private refused(reason: "connect" | "timeout"): void {
    const { set, upstream } = this.choice!;
    this.context.inflight.requestEnded(upstream.id);
    this.tried ??= new Set();
    this.tried.add(upstream.id);
    this.context.ejection.eject(upstream.id);
    this.context.metrics.upstreamError(this.labels(), upstream.id, reason);
    this.context.stats.record(this.route.id, set.version, { error: true });
    this.start();
  }

  /** Sent, and no answer came: replayed when that is safe, else 502 (504 after the timeout). */
  private lost(reason: "reset" | "timeout", replayable: boolean): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    const { upstream } = this.choice!;
    this.context.inflight.requestEnded(upstream.id);
    this.context.metrics.upstreamError(this.labels(), upstream.id, reason);
    if (reason === "timeout") {
      this.fail(504, "the service did not answer in time\n");
      return;
    }
    if (!replayable || !IDEMPOTENT_METHODS.has(this.request.method) || this.sends === MAX_SENDS) {
      this.fail(502, "the service closed the connection without answering\n");
      return;
    }
    this.tried ??= new Set();
    this.tried.add(upstream.id);
    this.sends++;
    this.start();
  }

  /** Cut in the middle of the body: the client sees the connection end, not a complete answer. */
  private cut(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.end(this.response!.status);
    this.client.destroy();
  }

  private fail(status: number, body: string, headers?: Record<string, string>): void {
    if (this.finished) return;
    this.finished = true;
    this.client.reply(this.record, this.request, status, body, headers);
  }

  /** The client went away before the answer was complete. */
  clientClosed(): void {
    if (this.finished) return;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.end(this.response ? this.response.status : 499, connection !== undefined);
  }

  private end(status: number, inFlight = true): void {
    if (this.finished) return;
    this.finished = true;
    if (inFlight && this.choice) this.context.inflight.requestEnded(this.choice.upstream.id);
    finishRecord(this.context, this.request, this.record, status, 0);
  }

  private labels() {
    const { route } = this;
    return {
      project: route.project,
      service: route.service,
      route: route.id,
      version: this.choice!.set.version,
    };
  }
}

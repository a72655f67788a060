import { type Server as HttpServer, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { RequestRecord, RouterContext, Snapshot } from "../context.js";
import { gate } from "../gate.js";
import { finishRecord, startRecord } from "../request-record.js";
import { matchRoute } from "../route-table.js";
import { NO_SECURITY_HEADERS } from "../security-headers.js";
import { type FastClient, headerLines } from "./fast-client.js";
import { FastExchange } from "./fast-exchange.js";
import { type FastRequestHead, scanRequestHead } from "./request-head.js";

/** What a fast connection needs from the listener that accepted it. */
export interface FastListener {
  readonly context: RouterContext;
  /** Node's HTTP server the connection is handed to when the fast path does not serve it. */
  readonly http: HttpServer;
  /** The listener's scheme (HTTPS: the socket is a TLS socket, already decrypted). */
  readonly kind: "http" | "https";
  /** The `host:port` of a published port; none for the shared listener. */
  readonly published: string | undefined;
  /** Forgets the connection (closed or handed to `http`). */
  release(connection: FastConnection): void;
}

/** Whether a snapshot has static routes (their requests go to Node's server, which serves files). */
const withStatic = new WeakMap<Snapshot, boolean>();
function hasStaticRoutes(snapshot: Snapshot): boolean {
  let found = withStatic.get(snapshot);
  if (found === undefined) {
    found = snapshot.config.routes.some((route) => route.kind === "static");
    withStatic.set(snapshot, found);
  }
  return found;
}

const noop = () => {};

/** Bytes a client may send ahead while a request is in progress; past this, reading pauses. */
const PIPELINE_LIMIT = 64 * 1024;

/**
 * A client connection on the plain-HTTP fast path: requests of the plainest shape (see
 * request-head.ts) are proxied one after the other (pipelined ones wait in the buffer); at the first
 * request it does not fully understand — or a head not complete in what arrived, or a static route
 * — the connection is handed, with every byte not yet served, to Node's HTTP server, which then
 * serves it to its end exactly as it serves any connection.
 */
export class FastConnection implements FastClient {
  private buffer: Buffer | undefined;
  private current: FastExchange | undefined;
  private pumping = false;
  private ending = false;

  constructor(
    private readonly listener: FastListener,
    readonly socket: Socket,
  ) {
    socket.setNoDelay(true);
    socket.on("data", this.onData);
    socket.on("drain", this.onDrain);
    socket.on("timeout", this.onTimeout);
    socket.on("close", this.onClose);
    socket.on("error", noop);
    const snapshot = listener.context.snapshot();
    socket.setTimeout(snapshot?.config.limits.idleTimeoutMs ?? 60_000);
  }

  /** Idle: no request in progress (it may be closed when the server closes). */
  get idle(): boolean {
    return this.current === undefined;
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.ending) return; // after `Connection: close` nothing more is read
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.current) this.pump();
    else if (this.buffer.length > PIPELINE_LIMIT) this.socket.pause();
  };

  private readonly onDrain = () => this.current?.clientDrained();

  /** Idle past the keep-alive timeout: closed (a request in progress has its own timeout). */
  private readonly onTimeout = () => {
    if (!this.current) this.socket.destroy();
  };

  private readonly onClose = () => {
    this.current?.clientClosed();
    this.current = undefined;
    this.listener.release(this);
  };

  /** Serves the buffered requests one at a time. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (!this.current && this.buffer && !this.ending && !this.socket.destroyed) {
      const scan = scanRequestHead(this.buffer, 0, this.socket);
      if (scan.kind !== "request" || !this.serve(scan.head)) {
        this.handOff();
        break;
      }
      this.buffer = scan.end === this.buffer.length ? undefined : this.buffer.subarray(scan.end);
    }
    this.pumping = false;
  }

  /** Starts one request; false when Node's server must serve it (and the rest of the connection). */
  private serve(request: FastRequestHead): boolean {
    const { context, published, kind } = this.listener;
    const snapshot = context.snapshot();
    if (!snapshot) return false;
    if (published === undefined && hasStaticRoutes(snapshot)) {
      const route = matchRoute(snapshot.table, request.headers.host ?? "", request.url);
      if (route?.kind === "static") return false;
    }
    const { record, forwarding } = startRecord(snapshot, request, kind);
    const decision = gate(context, snapshot, request, record, kind, published);
    if (decision.kind === "static") return false;
    if (decision.kind === "respond") {
      this.reply(record, request, decision.status, decision.body, decision.headers as Record<string, string>);
      return true;
    }
    const exchange = new FastExchange(context, this, request, decision.route, snapshot, record, forwarding);
    this.current = exchange;
    exchange.start();
    return true;
  }

  write(chunk: Buffer | string): boolean {
    return this.socket.write(chunk, "latin1");
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  destroy(): void {
    this.current = undefined;
    this.socket.destroy();
  }

  reply(
    record: RequestRecord,
    request: FastRequestHead,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    const snapshot = this.listener.context.snapshot();
    const security =
      this.listener.published === undefined && snapshot
        ? snapshot.security[record.proto]
        : NO_SECURITY_HEADERS;
    const payload = Buffer.from(body);
    const all: Record<string, string> = {
      ...security,
      "x-request-id": record.requestId,
      "content-type": "text/plain; charset=utf-8",
      ...headers,
      "content-length": String(payload.length),
    };
    const close = request.close || all.connection === "close";
    if (close) all.connection = "close";
    const lines: string[] = [];
    for (const name of Object.keys(all)) lines.push(name, all[name]!);
    this.socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${headerLines(lines)}\r\n`,
      "latin1",
    );
    if (request.method !== "HEAD" && payload.length > 0) this.socket.write(payload);
    this.socket.uncork();
    finishRecord(this.listener.context, request, record, status, payload.length);
    this.done(close);
  }

  done(close: boolean): void {
    this.current = undefined;
    if (close) {
      this.ending = true;
      this.socket.end();
      return;
    }
    // Resumed before a hand-over too: Node's server reads on from where the stream stands.
    if (this.socket.isPaused()) this.socket.resume();
    if (this.buffer) this.pump();
  }

  /** Hands the connection, with the bytes not served yet, to Node's HTTP server. */
  private handOff(): void {
    const { socket } = this;
    socket.off("data", this.onData);
    socket.off("drain", this.onDrain);
    socket.off("timeout", this.onTimeout);
    socket.off("close", this.onClose);
    socket.off("error", noop);
    socket.setTimeout(0);
    this.listener.release(this);
    if (this.buffer) socket.unshift(this.buffer);
    this.buffer = undefined;
    this.listener.http.emit("connection", socket);
  }

  /** Closes the connection now if it is idle (the listener is closing). */
  closeIfIdle(): void {
    if (!this.current) this.socket.destroy();
  }
}

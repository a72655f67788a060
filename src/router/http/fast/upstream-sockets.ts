import { connect, type Socket } from "node:net";
import type { Upstream } from "../../model.js";

/** Who uses an upstream connection now: told what happens on it. */
export interface UpstreamOwner {
  upstreamData(chunk: Buffer): void;
  /** The upstream closed or reset the connection (or it could not be made). */
  upstreamGone(): void;
  /** No byte for the timeout (the connect timeout while connecting, the request timeout after). */
  upstreamTimedOut(): void;
}

/** Idle connections kept per upstream beyond those in use (LIFO: the rest expire on the upstream's keep-alive). */
const MAX_IDLE = 64;

/** One keep-alive connection to an upstream, owned by one request at a time. */
export class UpstreamConnection {
  owner: UpstreamOwner | undefined;
  /** The TCP connection is up (false while connecting, and when it never came up). */
  connected = false;
  private timeoutMs: number;

  constructor(
    readonly socket: Socket,
    private readonly sockets: UpstreamSockets,
    connectTimeoutMs: number,
  ) {
    this.timeoutMs = connectTimeoutMs;
    socket.setNoDelay(true);
    socket.setTimeout(connectTimeoutMs);
    socket.on("connect", () => {
      this.connected = true;
      socket.setTimeout(this.timeoutMs);
    });
    socket.on("data", (chunk: Buffer) => {
      if (this.owner) this.owner.upstreamData(chunk);
      else socket.destroy(); // bytes nobody asked for: the connection cannot be trusted
    });
    const gone = () => {
      this.sockets.forget(this);
      const owner = this.owner;
      this.owner = undefined;
      owner?.upstreamGone();
    };
    socket.on("end", gone);
    socket.on("close", gone);
    socket.on("error", () => {});
    socket.on("timeout", () => {
      if (this.owner) this.owner.upstreamTimedOut();
      else socket.destroy();
    });
  }

  /** Arms the inactivity timeout for a request (re-armed only when it changed). */
  expectAnswerWithin(ms: number): void {
    if (ms === this.timeoutMs) return;
    this.timeoutMs = ms;
    if (this.connected) this.socket.setTimeout(ms);
  }
}

/** Keep-alive connections to one upstream, for the fast path's requests. */
export class UpstreamSockets {
  private readonly idle: UpstreamConnection[] = [];
  private retired = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly connectTimeoutMs: number,
  ) {}

  /** An idle connection, or a new one (writes wait in the socket until it is up). */
  take(owner: UpstreamOwner): UpstreamConnection {
    let connection = this.idle.pop();
    while (connection?.socket.destroyed || connection?.socket.readableEnded) connection = this.idle.pop();
    if (!connection) {
      const socket = connect({ host: this.upstream.host, port: this.upstream.port });
      connection = new UpstreamConnection(socket, this, this.connectTimeoutMs);
    }
    connection.owner = owner;
    return connection;
  }

  /** Back to the pool after a complete response on a connection the upstream keeps open. */
  release(connection: UpstreamConnection): void {
    connection.owner = undefined;
    // Paused while a slow client caught up with the last bytes of the answer.
    connection.socket.resume();
    if (this.retired || this.idle.length >= MAX_IDLE) connection.socket.destroy();
    else this.idle.push(connection);
  }

  forget(connection: UpstreamConnection): void {
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }

  /** The upstream left the configuration: idle connections close now, busy ones after their request. */
  retire(): void {
    this.retired = true;
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
  }
}

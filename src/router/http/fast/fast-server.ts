import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "node:net";
import { type TLSSocket, type TlsOptions, Server as TlsServer } from "node:tls";
import type { RouterContext } from "../context.js";
import { FastConnection, type FastListener } from "./fast-connection.js";

/** The fast connections of one listener and the Node server they are handed to. */
class FastConnections implements FastListener {
  private readonly open = new Set<FastConnection>();

  constructor(
    readonly context: RouterContext,
    readonly http: HttpServer,
    readonly kind: "http" | "https",
    readonly published: string | undefined,
  ) {
    // Node's server checks its connections' header and request timeouts once it "listens".
    http.emit("listening");
  }

  accept(socket: Socket): void {
    this.open.add(new FastConnection(this, socket));
  }

  release(connection: FastConnection): void {
    this.open.delete(connection);
  }

  closeIdle(): void {
    for (const connection of [...this.open]) connection.closeIfIdle();
    this.http.closeIdleConnections();
  }

  closeAll(): void {
    for (const connection of [...this.open]) connection.socket.destroy();
    this.http.closeAllConnections();
  }
}

/**
 * The plain-HTTP listener of the builtin router: a TCP server whose connections start on the fast
 * path (fast-connection.ts) and are handed to Node's HTTP server `http` (never listening itself)
 * for whatever the fast path does not serve. `closeIdleConnections` and `closeAllConnections`
 * cover both, as `http.Server`'s do.
 */
export class FastHttpServer extends Server {
  private readonly fast: FastConnections;

  constructor(
    context: RouterContext,
    readonly http: HttpServer,
    published: string | undefined,
    onConnection: (socket: Socket) => void,
  ) {
    super({ noDelay: true });
    this.fast = new FastConnections(context, http, "http", published);
    this.on("connection", (socket: Socket) => {
      onConnection(socket);
      this.fast.accept(socket);
    });
  }

  closeIdleConnections(): void {
    this.fast.closeIdle();
  }

  closeAllConnections(): void {
    this.fast.closeAll();
  }

  override close(callback?: (error?: Error) => void): this {
    this.http.close();
    return super.close(callback);
  }
}

/** The HTTPS listener: TLS terminated by `tls.Server`, then the same fast path on the decrypted socket. */
export class FastHttpsServer extends TlsServer {
  private readonly fast: FastConnections;

  constructor(
    context: RouterContext,
    readonly http: HttpServer,
    options: TlsOptions,
    onConnection: (socket: Socket) => void,
  ) {
    super({ ...options, noDelay: true });
    this.fast = new FastConnections(context, http, "https", undefined);
    this.on("connection", onConnection);
    this.on("secureConnection", (socket: TLSSocket) => this.fast.accept(socket));
  }

  closeIdleConnections(): void {
    this.fast.closeIdle();
  }

  closeAllConnections(): void {
    this.fast.closeAll();
  }

  override close(callback?: (error?: Error) => void): this {
    this.http.close();
    return super.close(callback);
  }
}

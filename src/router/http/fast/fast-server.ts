import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "node:net";
import type { RouterContext } from "../context.js";
import { FastConnection, type FastListener } from "./fast-connection.js";

/**
 * The plain-HTTP listener of the builtin router: a TCP server whose connections start on the fast
 * path (fast-connection.ts) and are handed to Node's HTTP server `http` (never listening itself)
 * for whatever the fast path does not serve. `closeIdleConnections` and `closeAllConnections`
 * cover both, as `http.Server`'s do.
 */
export class FastHttpServer extends Server implements FastListener {
  private readonly open = new Set<FastConnection>();

  constructor(
    readonly context: RouterContext,
    readonly http: HttpServer,
    readonly published: string | undefined,
    onConnection: (socket: Socket) => void,
  ) {
    super({ noDelay: true });
    this.on("connection", (socket: Socket) => {
      onConnection(socket);
      this.open.add(new FastConnection(this, socket));
    });
    // Node's server checks its connections' header and request timeouts once it "listens".
    http.emit("listening");
  }

  override close(callback?: (error?: Error) => void): this {
    this.http.close();
    return super.close(callback);
  }

  release(connection: FastConnection): void {
    this.open.delete(connection);
  }

  closeIdleConnections(): void {
    for (const connection of [...this.open]) connection.closeIfIdle();
    this.http.closeIdleConnections();
  }

  closeAllConnections(): void {
    for (const connection of [...this.open]) connection.socket.destroy();
    this.http.closeAllConnections();
  }
}

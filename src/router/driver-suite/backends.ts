import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import type { Upstream } from "../model.js";

/** A real instance on loopback: answers `tag:url` (or runs `handler`) and echoes WebSocket messages as `tag:message`. */
export interface Backend {
  readonly tag: string;
  readonly port: number;
  upstream(state?: Upstream["state"]): Upstream;
  /** What a stopping instance does: closes its WebSockets with 1001 Going Away. */
  goAway(): void;
  close(): Promise<void>;
}

export async function startBackend(
  tag: string,
  handler?: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Backend> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => (handler ? handler(req, res) : res.end(`${tag}:${req.url}`)));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (socket) => socket.on("message", (data) => socket.send(`${tag}:${data}`)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    tag,
    port,
    upstream: (state = "active") => ({ id: tag, host: "127.0.0.1", port, state }),
    goAway: () => {
      for (const client of sockets.clients) client.close(1001, "Going Away");
    },
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A WebSocket client through the router, with `ask` (send, await the next message) and its close code. */
export async function openSocket(port: number, path = "/live") {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    closed,
    ask: (message: string) =>
      new Promise<string>((resolve) => {
        socket.once("message", (data) => resolve(String(data)));
        socket.send(message);
      }),
  };
}

import { connect, createServer, type Server, type Socket } from "node:net";
import { type L4Config, type L4Listener, listenerKey } from "./config.js";

interface ActiveListener {
  server: Server;
  listener: L4Listener;
  next: number;
}

/**
 * A layer-4 proxy: each listener forwards TCP connections to its upstream instances in turn.
 * A connection that cannot be made is retried on the next instance (nothing was sent yet);
 * while a listener has no instances, new connections wait briefly for one to appear.
 */
export class L4Proxy {
  private readonly active = new Map<string, ActiveListener>();
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: { waitForUpstreamMs: number; log?: (line: string) => void }) {}

  /** Applies a new configuration: listeners are added, updated in place or closed; open connections stay. */
  async apply(config: L4Config): Promise<void> {
    const wanted = new Map(config.listeners.map((l) => [listenerKey(l), l]));
    for (const [key, active] of this.active) {
      if (!wanted.has(key)) {
        active.server.close();
        this.active.delete(key);
      }
    }
    const failures: string[] = [];
    for (const [key, listener] of wanted) {
      const existing = this.active.get(key);
      if (existing) {
        existing.listener = listener;
        continue;
      }
      try {
        this.active.set(key, { server: await this.listen(listener), listener, next: 0 });
      } catch (error) {
        failures.push(`${key}: ${(error as Error).message}`);
      }
    }
    for (const wake of this.waiters) wake();
    if (failures.length > 0) throw new Error(`cannot listen on ${failures.join("; ")}`);
  }

  private listen(listener: L4Listener): Promise<Server> {
    const key = listenerKey(listener);
    const server = createServer((client) => this.forward(key, client));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(listener.port, listener.host, () => {
        server.off("error", reject);
        resolve(server);
      });
    });
  }

  private async forward(key: string, client: Socket): Promise<void> {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const deadline = Date.now() + this.options.waitForUpstreamMs;
    while (!client.destroyed) {
      const active = this.active.get(key);
      if (!active) break;
      const upstreams = active.listener.upstreams;
      for (let attempt = 0; attempt < upstreams.length; attempt++) {
        const upstream = upstreams[active.next++ % upstreams.length]!;
        const socket = await this.tryConnect(upstream.host, upstream.port);
        if (socket) {
          this.pipe(client, socket);
          return;
        }
      }
      if (Date.now() >= deadline) break;
      await this.waitForChange(Math.min(200, deadline - Date.now()));
    }
    this.options.log?.(`no instance of ${key} accepted a connection`);
    client.destroy();
  }

  private tryConnect(host: string, port: number): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const fail = () => {
        socket.destroy();
        resolve(undefined);
      };
      socket.setTimeout(2000, fail);
      socket.once("error", fail);
      socket.once("connect", () => {
        socket.setTimeout(0);
        socket.off("error", fail);
        resolve(socket);
      });
    });
  }

  private pipe(client: Socket, upstream: Socket): void {
    this.sockets.add(upstream);
    upstream.on("close", () => this.sockets.delete(upstream));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(ms, 10));
      this.waiters.add(wake);
    });
  }

  /** Stops listening and closes every open connection. */
  async close(): Promise<void> {
    for (const { server } of this.active.values()) server.close();
    this.active.clear();
    for (const socket of this.sockets) socket.destroy();
  }
}

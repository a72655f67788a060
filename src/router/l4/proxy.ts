import { connect, createServer, type Server, type Socket } from "node:net";
import {
  type L4BindFailure,
  type L4Config,
  type L4Listener,
  type L4Upstream,
  listenerKey,
} from "./config.js";
import { connectTentatively } from "./first-byte.js";

interface ActiveListener {
  server: Server;
  listener: L4Listener;
  next: number;
}

/** How long an instance that refused or reset a connection gets no new ones (unless none other is left). */
const EJECT_MS = 5000;

/**
 * A layer-4 proxy: each listener forwards TCP connections to its upstream instances in turn.
 * An instance whose connect fails, or that resets or closes before sending a byte, is ejected for a
 * while and the connection is replayed on another instance (the client's bytes are kept until the
 * first answer); while a listener has no instances, new connections wait briefly for one to appear.
 */
export class L4Proxy {
  private readonly active = new Map<string, ActiveListener>();
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();
  /** `host:port` of an upstream → until when it gets no new connections. */
  private readonly ejected = new Map<string, number>();

  constructor(private readonly options: { waitForUpstreamMs: number; log?: (line: string) => void }) {}

  /**
   * Applies a new configuration: listeners are added, updated in place or closed; open connections
   * stay. Returns the listeners that could not be opened (they are tried again on the next apply).
   */
  async apply(config: L4Config): Promise<L4BindFailure[]> {
    const wanted = new Map(config.listeners.map((l) => [listenerKey(l), l]));
    for (const [key, active] of this.active) {
      if (!wanted.has(key)) {
        active.server.close();
        this.active.delete(key);
      }
    }
    const failures: L4BindFailure[] = [];
    for (const [key, listener] of wanted) {
      const existing = this.active.get(key);
      if (existing) {
        existing.listener = listener;
        continue;
      }
      try {
        this.active.set(key, { server: await this.listen(listener), listener, next: 0 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "EUNKNOWN";
        failures.push({ name: listener.name, host: listener.host, port: listener.port, code });
        this.options.log?.(`proxy: cannot listen on ${key} for ${listener.name}: ${code}`);
      }
    }
    for (const wake of this.waiters) wake();
    return failures;
  }

  private listen(listener: L4Listener): Promise<Server> {
    const key = listenerKey(listener);
    const server = createServer((client) => void this.forward(key, client));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(listener.port, listener.host, () => {
        server.off("error", reject);
        resolve(server);
      });
    });
  }

  /** The next instance in rotation not tried yet for this connection, preferring ones not ejected. */
  private pick(active: ActiveListener, tried: ReadonlySet<string>): L4Upstream | undefined {
    const { upstreams } = active.listener;
    const now = Date.now();
    let fallback: L4Upstream | undefined;
    for (let i = 0; i < upstreams.length; i++) {
      const upstream = upstreams[(active.next + i) % upstreams.length]!;
      const key = listenerKey(upstream);
      if (tried.has(key)) continue;
      if ((this.ejected.get(key) ?? 0) > now) {
        fallback ??= upstream;
        continue;
      }
      active.next = (active.next + i + 1) % upstreams.length;
      return upstream;
    }
    return fallback;
  }

  private eject(upstream: L4Upstream, key: string, why: string): void {
    this.ejected.set(listenerKey(upstream), Date.now() + EJECT_MS);
    this.options.log?.(`proxy: ${key}: instance ${upstream.id} ${why}; ejected for ${EJECT_MS} ms`);
  }

  private async forward(key: string, client: Socket): Promise<void> {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const deadline = Date.now() + this.options.waitForUpstreamMs;
    const tried = new Set<string>();
    const sent: Buffer[] = [];
    const state = { clientEnded: false };
    while (!client.destroyed) {
      const active = this.active.get(key);
      if (!active) break;
      const upstream = this.pick(active, tried);
      if (!upstream) {
        if (Date.now() >= deadline) break;
        // Every instance failed this connection: wait for a new config, then try them all again.
        tried.clear();
        await this.waitForChange(Math.min(200, deadline - Date.now()));
        continue;
      }
      tried.add(listenerKey(upstream));
      const socket = await this.tryConnect(upstream.host, upstream.port);
      if (!socket) {
        this.eject(upstream, key, "refused the connection");
        continue;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      const outcome = await connectTentatively(client, socket, sent, state);
      if (outcome !== "retry") return;
      this.eject(upstream, key, "closed the connection before answering");
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

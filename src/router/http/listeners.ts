import type { AddressInfo, Server } from "node:net";
import { RouterError } from "./errors.js";

/** A socket the router listens on; `key` names it (kind, address, port) across applies. */
export interface ListenSpec {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  create(): Server;
}

function bind(server: Server, spec: ListenSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new RouterError(
          {
            code: "E_ROUTER_LISTEN",
            message: `cannot listen on ${spec.host}:${spec.port}: ${error.message}`,
            hint: "another process may use this port; pick a free one or stop that process",
          },
          { cause: error },
        ),
      );
    server.once("error", fail);
    server.listen(spec.port, spec.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold `close` open; requests in progress still finish.
    if ("closeIdleConnections" in server && typeof server.closeIdleConnections === "function")
      server.closeIdleConnections();
  });
}

/**
 * The router's listening sockets, changed in two steps so an apply is atomic: `prepare` binds the
 * new ones (and closes them again if any fails); `commit` closes those no longer wanted.
 */
export class Listeners {
  private readonly bound = new Map<string, Server>();

  async prepare(specs: readonly ListenSpec[]): Promise<() => void> {
    const added = new Map<string, Server>();
    try {
      for (const spec of specs) {
        if (this.bound.has(spec.key) || added.has(spec.key)) continue;
        const server = spec.create();
        added.set(spec.key, server);
        await bind(server, spec);
      }
    } catch (error) {
      await Promise.all([...added.values()].map((server) => (server.listening ? close(server) : undefined)));
      throw error;
    }
    return () => {
      const wanted = new Set(specs.map((spec) => spec.key));
      for (const [key, server] of this.bound) {
        if (wanted.has(key)) continue;
        this.bound.delete(key);
        void close(server);
      }
      for (const [key, server] of added) this.bound.set(key, server);
    };
  }

  server(key: string): Server | undefined {
    return this.bound.get(key);
  }

  port(key: string): number | undefined {
    return (this.bound.get(key)?.address() as AddressInfo | null)?.port;
  }

  keys(): readonly string[] {
    return [...this.bound.keys()];
  }

  async closeAll(): Promise<void> {
    const servers = [...this.bound.values()];
    this.bound.clear();
    await Promise.all(
      servers.map((server) => {
        const closing = close(server);
        if ("closeAllConnections" in server && typeof server.closeAllConnections === "function")
          server.closeAllConnections();
        return closing;
      }),
    );
  }
}

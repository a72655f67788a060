import { Agent } from "node:http";
import { Pool } from "undici";
import type { Upstream } from "../model.js";
import { UpstreamSockets } from "./fast/upstream-sockets.js";

const keyOf = (upstream: Upstream) => `${upstream.id}\u0000${upstream.host}:${upstream.port}`;

/**
 * Keep-alive connections per upstream, reused between requests: an undici pool for requests
 * without a body (most of them; the cheaper client) and a `node:http` agent for requests with a
 * body (streamed with back-pressure and a size limit). Those of upstreams that left the
 * configuration are closed once their last request has finished.
 */
export class UpstreamAgents {
  private readonly agents = new Map<string, Agent>();
  private readonly pools = new Map<string, Pool>();
  /** The keys of the configuration's upstream objects, so a request builds none. */
  private readonly keys = new WeakMap<Upstream, string>();
  private readonly retiring = new Map<NodeJS.Timeout, Agent>();
  private readonly raw = new Map<string, UpstreamSockets>();

  for(upstream: Upstream): Agent {
    const key = this.keyFor(upstream);
    let agent = this.agents.get(key);
    if (!agent) {
      // LIFO keeps a few warm sockets busy and lets the rest expire on the upstream's keep-alive timeout.
      agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });
      this.agents.set(key, agent);
    }
    return agent;
  }

  constructor(private readonly connectTimeoutMs = 3000) {}

  private keyFor(upstream: Upstream): string {
    let key = this.keys.get(upstream);
    if (key === undefined) {
      key = keyOf(upstream);
      this.keys.set(upstream, key);
    }
    return key;
  }

  pool(upstream: Upstream): Pool {
    const key = this.keyFor(upstream);
    let pool = this.pools.get(key);
    if (!pool) {
      const host = upstream.host.includes(":") ? `[${upstream.host}]` : upstream.host;
      pool = new Pool(`http://${host}:${upstream.port}`, {
        connections: 512,
        connect: { timeout: this.connectTimeoutMs },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Raw keep-alive connections for the fast path (fast/fast-exchange.ts). */
  sockets(upstream: Upstream): UpstreamSockets {
    const key = this.keyFor(upstream);
    let sockets = this.raw.get(key);
    if (!sockets) {
      sockets = new UpstreamSockets(upstream, this.connectTimeoutMs);
      this.raw.set(key, sockets);
    }
    return sockets;
  }

  /** Retires the agents of upstreams that are not in `upstreams` any more. */
  retain(upstreams: Iterable<Upstream>): void {
    const wanted = new Set([...upstreams].map(keyOf));
    for (const [key, pool] of this.pools) {
      if (wanted.has(key)) continue;
      this.pools.delete(key);
      // Finishes the requests it has, then closes its connections.
      void pool.close().catch(() => undefined);
    }
    for (const [key, sockets] of this.raw) {
      if (wanted.has(key)) continue;
      this.raw.delete(key);
      sockets.retire();
    }
    for (const [key, agent] of this.agents) {
      if (wanted.has(key)) continue;
      this.agents.delete(key);
      const check = setInterval(() => {
        if (Object.keys(agent.sockets).length > 0) return;
        clearInterval(check);
        this.retiring.delete(check);
        agent.destroy();
      }, 1000);
      check.unref();
      this.retiring.set(check, agent);
    }
  }

  destroy(): void {
    for (const [timer, agent] of this.retiring) {
      clearInterval(timer);
      agent.destroy();
    }
    this.retiring.clear();
    for (const sockets of this.raw.values()) sockets.retire();
    this.raw.clear();
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    for (const pool of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}

import { Agent } from "node:http";
import type { Upstream } from "../model.js";

const keyOf = (upstream: Upstream) => `${upstream.id}\u0000${upstream.host}:${upstream.port}`;

/**
 * One keep-alive agent per upstream, so connections are reused between requests. Agents of
 * upstreams that left the configuration are destroyed once their last request has finished.
 */
export class UpstreamAgents {
  private readonly agents = new Map<string, Agent>();
  /** The keys of the configuration's upstream objects, so a request builds none. */
  private readonly keys = new WeakMap<Upstream, string>();
  private readonly retiring = new Map<NodeJS.Timeout, Agent>();

  for(upstream: Upstream): Agent {
    let key = this.keys.get(upstream);
    if (key === undefined) {
      key = keyOf(upstream);
      this.keys.set(upstream, key);
    }
    let agent = this.agents.get(key);
    if (!agent) {
      // LIFO keeps a few warm sockets busy and lets the rest expire on the upstream's keep-alive timeout.
      agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Retires the agents of upstreams that are not in `upstreams` any more. */
  retain(upstreams: Iterable<Upstream>): void {
    const wanted = new Set([...upstreams].map(keyOf));
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
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

import { collectDefaultMetrics, Registry } from "prom-client";
import { StateHistory } from "./history.js";
import { StateSnapshot } from "./snapshot.js";
import type { MetricsSource } from "./source.js";

/**
 * The agent's Prometheus metrics, on a registry of its own: counters of what happened (from state's
 * history), gauges of how things are now, and the agent process's own figures (`slipway_agent_`).
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly history: StateHistory;

  constructor(source: MetricsSource) {
    this.history = new StateHistory(source, this.registry);
    new StateSnapshot(source, this.registry);
    collectDefaultMetrics({ register: this.registry, prefix: "slipway_agent_" });
  }

  /** The exposition text of one scrape. */
  async scrape(): Promise<string> {
    this.history.read();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

import type { Server } from "node:http";
import type { SlipwayError } from "../errors.js";
import type { AppSpec } from "../manifest/model.js";
import type { AgentMetrics } from "./metrics/agent-metrics.js";
import { serveMetrics } from "./metrics/server.js";
import type { MetricsSource } from "./metrics/source.js";

/** The metrics address the projects ask for: the first project (by name) that sets one. */
export function metricsAddress(specs: readonly AppSpec[]): string | undefined {
  return [...specs]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((spec) => spec["x-slipway"].observe?.metrics)
    .find((address) => address !== undefined);
}

/**
 * What the agent observes about itself: its metrics, served where the manifests ask (and moved when
 * they change). A failure to listen is reported through `onError`, never fatal to the agent.
 */
export class Observer {
  /** Made when first served: prom-client loads only for an agent whose manifests ask for metrics. */
  private metrics: AgentMetrics | undefined;
  private server: Server | undefined;
  private address: string | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: MetricsSource,
    private readonly onError: (error: SlipwayError) => void,
  ) {}

  /** Serves metrics at `address` (none: stops serving); resolves once the endpoint has moved. */
  serveAt(address: string | undefined): Promise<void> {
    this.pending = this.pending.then(async () => {
      if (address === this.address) return;
      await this.close();
      this.address = address;
      if (address === undefined) return;
      if (!this.metrics) {
        const { AgentMetrics } = await import("./metrics/agent-metrics.js");
        this.metrics = new AgentMetrics(this.source);
      }
      this.server = await serveMetrics(this.metrics, address).catch((error: SlipwayError) => {
        this.onError(error);
        // Tried again at the next sync.
        this.address = undefined;
        return undefined;
      });
    });
    return this.pending;
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A scraper keeps its connection alive between scrapes.
    server.closeAllConnections();
    await closed;
  }

  async stop(): Promise<void> {
    await this.serveAt(undefined);
  }
}

import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, Registry } from "prom-client";
import type { RouterConfig } from "../model.js";
import type { VersionSample } from "../version-stats.js";
import { RouterError, type RouterErrorCode } from "./errors.js";
import type { FleetReply, FleetRequest } from "./fleet-messages.js";
import type { InFlightCount } from "./inflight.js";

/** Longest a worker may take to answer the primary (an apply binds ports and loads certificates). */
const CALL_TIMEOUT_MS = 30_000;
/** Pause before a worker that died is replaced, so a worker that cannot start does not spin. */
const RESPAWN_DELAY_MS = 1000;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
type Ask = FleetRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/**
 * The builtin router as several worker processes (node:cluster; `workers` > 1 in the router
 * configuration): the listeners are shared, the kernel's connections handed to the workers in
 * turn; this primary keeps the admin API and asks every worker. In-flight counts, request figures
 * and latency buckets are summed; a version's p95 is the highest of the workers' (a bound, not an
 * exact merge).
 * A worker that dies is replaced and given the configuration served.
 */
export class RouterFleet {
  /** The configuration every worker serves; undefined before the first `apply`. */
  config: RouterConfig | undefined;
  readonly registry = { contentType: Registry.PROMETHEUS_CONTENT_TYPE };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;

  constructor(readonly workers: number) {}

  /** Forks the workers and waits until each listens for requests. */
  async start(): Promise<void> {
    cluster.on("message", (_worker, message: FleetReply | { op?: string }) => {
      if (!("id" in message)) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message.value);
      else
        waiting.reject(
          new RouterError({
            code: (message.error.code ?? "E_ROUTER_INTERNAL") as RouterErrorCode,
            message: message.error.message,
            ...(message.error.hint ? { hint: message.error.hint } : {}),
          }),
        );
    });
    cluster.on("exit", () => {
      if (this.stopping) return;
      setTimeout(() => void this.replace(), RESPAWN_DELAY_MS).unref();
    });
    await Promise.all(Array.from({ length: this.workers }, () => this.fork()));
  }

  private fork(): Promise<Worker> {
    const worker = cluster.fork();
    return new Promise((resolve, reject) => {
      worker.once("message", () => resolve(worker));
      worker.once("exit", (code) => reject(new Error(`router worker exited with code ${code} at start`)));
    });
  }

  private async replace(): Promise<void> {
    if (this.stopping || this.live().length >= this.workers) return;
    const worker = await this.fork().catch(() => undefined);
    if (worker && this.config)
      await this.call(worker, { op: "apply", config: this.config }).catch(() => undefined);
  }

  private live(): Worker[] {
    return Object.values(cluster.workers ?? {}).filter(
      (worker): worker is Worker => worker?.isConnected() === true && !worker.isDead(),
    );
  }

  private call(worker: Worker, ask: Ask): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`router worker ${worker.process.pid} did not answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.send({ ...ask, id } as FleetRequest);
    });
  }

  private all(ask: Ask): Promise<unknown[]> {
    return Promise.all(this.live().map((worker) => this.call(worker, ask)));
  }

  /**
   * Serves `config` in every worker: one first, the others once it took it, so a configuration
   * that cannot be served (a port, a certificate) leaves every worker on the previous one.
   */
  async apply(config: RouterConfig): Promise<void> {
    const [first, ...rest] = this.live();
    if (first) await this.call(first, { op: "apply", config });
    await Promise.all(rest.map((worker) => this.call(worker, { op: "apply", config })));
    this.config = config;
  }

  async inFlight(upstream: string): Promise<InFlightCount> {
    const counts = (await this.all({ op: "inflight", upstream })) as InFlightCount[];
    return counts.reduce(
      (sum, count) => ({
        requests: sum.requests + count.requests,
        websockets: sum.websockets + count.websockets,
        connections: sum.connections + count.connections,
      }),
      { requests: 0, websockets: 0, connections: 0 },
    );
  }

  async versionStats(route: string): Promise<Record<string, VersionSample>> {
    const merged: Record<string, VersionSample> = {};
    for (const stats of (await this.all({ op: "stats", route })) as Record<string, VersionSample>[])
      for (const [version, sample] of Object.entries(stats)) {
        const before = merged[version];
        merged[version] = before
          ? {
              requests: before.requests + sample.requests,
              errors: before.errors + sample.errors,
              p95Ms: maxOf(before.p95Ms, sample.p95Ms),
              latencyBuckets: before.latencyBuckets.map(
                (count, index) => count + (sample.latencyBuckets[index] ?? 0),
              ),
            }
          : sample;
      }
    return merged;
  }

  async resetVersionStats(route: string): Promise<void> {
    await this.all({ op: "reset", route });
  }

  /** Every worker's metrics, summed as prom-client sums a cluster's. */
  async metrics(): Promise<string> {
    const perWorker = (await this.all({ op: "metrics" })) as object[];
    return AggregatorRegistry.aggregate(perWorker).metrics();
  }

  /** Disconnects the workers (each closes its listeners and exits), then kills what is left after 5 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    const workers = this.live();
    const exited = workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    for (const worker of workers) worker.disconnect();
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 5000))]);
    for (const worker of workers) if (!worker.isDead()) worker.kill("SIGKILL");
  }
}

const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

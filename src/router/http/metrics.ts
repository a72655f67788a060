import { Counter, Gauge, Registry } from "prom-client";

/** The labels a request is counted under. `version` is `none` when no upstream was reached. */
export interface RequestLabels {
  readonly project: string;
  readonly service: string;
  readonly route: string;
  readonly version: string;
}

/** What names a route in the metrics. */
export interface RouteIdentity {
  readonly id: string;
  readonly project: string;
  readonly service: string;
}

/** Why an upstream failed a request: no connection, connection lost before an answer, too slow. */
export type UpstreamErrorReason = "connect" | "reset" | "timeout";

/**
 * The figures of one route and version, kept as plain numbers: counting a request hashes no label
 * set (prom-client would, twice per request); the exposition reads them at scrape time.
 */
interface RequestSeries {
  readonly labels: RequestLabels;
  /** Requests by status class, indexed by the status's first digit (0xx … 5xx, then other). */
  readonly byClass: number[];
  /** Requests per duration bucket (not cumulative); the last one is +Inf. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const REQUESTS = "slipway_router_requests_total";
const DURATIONS = "slipway_router_request_duration_seconds";

/** A metric value as prom-client's registry renders it. */
interface MetricValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>> | RequestLabels;
  readonly metricName?: string;
}

/** A metric of our own numbers, in the shape prom-client's registry renders (`name`, `help`, `type`, `get`). */
function customMetric(
  name: string,
  help: string,
  type: "counter" | "histogram",
  values: () => MetricValue[],
): { name: string; help: string; type: string; aggregator: string; get(): object; reset(): void } {
  return {
    name,
    help,
    type,
    aggregator: "sum",
    get: () => ({ name, help, type, aggregator: "sum", values: values() }),
    reset: () => {},
  };
}

/** The router's Prometheus metrics, on a registry of its own (never the process-global one). */
export class RouterMetrics {
  readonly registry = new Registry();
  /** By route id, then version. */
  private readonly series = new Map<string, Map<string, RequestSeries>>();
  constructor() {
    // biome-ignore lint/suspicious/noExplicitAny: prom-client's registry takes any object of this shape
    this.registry.registerMetric(this.requestsMetric() as any);
    // biome-ignore lint/suspicious/noExplicitAny: as above
    this.registry.registerMetric(this.durationsMetric() as any);
  }

  private allSeries(): RequestSeries[] {
    return [...this.series.values()].flatMap((versions) => [...versions.values()]);
  }

  private requestsMetric() {
    return customMetric(REQUESTS, "Requests answered, by route, version and status class", "counter", () =>
      this.allSeries().flatMap((series) =>
        series.byClass.flatMap((value, index) =>
          value > 0
            ? [{ value, labels: { ...series.labels, status_class: STATUS_CLASSES[index] ?? `${index}xx` } }]
            : [],
        ),
      ),
    );
  }

  private durationsMetric() {
    return customMetric(
      DURATIONS,
      "Time from the request's arrival to the end of its response",
      "histogram",
      () =>
        this.allSeries().flatMap((series) => {
          let cumulative = 0;
          const values: MetricValue[] = series.buckets.map((inBucket, index) => {
            cumulative += inBucket;
            return {
              metricName: `${DURATIONS}_bucket`,
              value: cumulative,
              labels: { ...series.labels, le: DURATION_BUCKETS[index] ?? "+Inf" },
            };
          });
          values.push({ metricName: `${DURATIONS}_sum`, value: series.sum, labels: series.labels });
          values.push({ metricName: `${DURATIONS}_count`, value: series.count, labels: series.labels });
          return values;
        }),
    );
  }

  private readonly connections = new Gauge({
    name: "slipway_router_open_connections",
    help: "Client connections open on the router's listeners (HTTP, HTTPS and TCP routes)",
    registers: [this.registry],
  });
  private readonly websockets = new Gauge({
    name: "slipway_router_open_websockets",
    help: "WebSockets proxied right now",
    labelNames: ["project", "service", "version"] as const,
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: "slipway_router_upstream_errors_total",
    help: "Upstream failures: refused connections, connections lost before an answer, timeouts",
    labelNames: ["project", "service", "route", "version", "upstream", "reason"] as const,
    registers: [this.registry],
  });

  /** One answered request of `route`, served by `version` (`none` when no upstream was reached). */
  observeRequest(route: RouteIdentity, version: string, status: number, seconds: number): void {
    const series = this.seriesOf(route, version);
    const statusClass = Math.floor(status / 100);
    series.byClass[statusClass] = (series.byClass[statusClass] ?? 0) + 1;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  private seriesOf(route: RouteIdentity, version: string): RequestSeries {
    let versions = this.series.get(route.id);
    if (!versions) {
      versions = new Map();
      this.series.set(route.id, versions);
    }
    let series = versions.get(version);
    if (!series || series.labels.project !== route.project || series.labels.service !== route.service) {
      const labels = { project: route.project, service: route.service, route: route.id, version };
      series = {
        labels,
        byClass: STATUS_CLASSES.map(() => 0),
        buckets: [...DURATION_BUCKETS.map(() => 0), 0],
        sum: 0,
        count: 0,
      };
      versions.set(version, series);
    }
    return series;
  }

  /** Counts a client connection; call the returned function when it closes. */
  connectionOpened(): () => void {
    this.connections.inc();
    return once(() => this.connections.dec());
  }

  websocketOpened(labels: { project: string; service: string; version: string }): () => void {
    this.websockets.inc(labels);
    return once(() => this.websockets.dec(labels));
  }

  upstreamError(labels: RequestLabels, upstream: string, reason: UpstreamErrorReason): void {
    this.upstreamErrors.inc({ ...labels, upstream, reason });
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}

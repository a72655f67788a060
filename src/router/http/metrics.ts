import { Counter, Gauge, Histogram, Registry } from "prom-client";

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

/** The label objects of one route and version, made once so that counting a request allocates none. */
interface RequestSeries {
  readonly labels: RequestLabels;
  /** By status class, `1xx` … `5xx`. */
  readonly byClass: Map<string, RequestLabels & { readonly status_class: string }>;
}

const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

/** The router's Prometheus metrics, on a registry of its own (never the process-global one). */
export class RouterMetrics {
  readonly registry = new Registry();
  /** By route id, then version. */
  private readonly series = new Map<string, Map<string, RequestSeries>>();
  private readonly requests = new Counter({
    name: "slipway_router_requests_total",
    help: "Requests answered, by route, version and status class",
    labelNames: ["project", "service", "route", "version", "status_class"] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: "slipway_router_request_duration_seconds",
    help: "Time from the request's arrival to the end of its response",
    labelNames: ["project", "service", "route", "version"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
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
    const statusClass = STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
    let withClass = series.byClass.get(statusClass);
    if (!withClass) {
      withClass = { ...series.labels, status_class: statusClass };
      series.byClass.set(statusClass, withClass);
    }
    this.requests.inc(withClass);
    this.durations.observe(series.labels, seconds);
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
      series = { labels, byClass: new Map() };
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

import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import type { Writable } from "node:stream";
import type { Registry } from "prom-client";
import { isPublished, needsSharedListener, type RouterConfig } from "../model.js";
import { type VersionSample, VersionStats } from "../version-stats.js";
import { AccessLog } from "./access-log.js";
import { Balancer } from "./balancer.js";
import type { RouterContext, RouterSettings, Snapshot } from "./context.js";
import { DrainScheduler } from "./drain.js";
import { PassiveEjection } from "./ejection.js";
import { FastHttpServer, FastHttpsServer } from "./fast/fast-server.js";
import { type InFlightCount, InFlightTracker } from "./inflight.js";
import { Listeners, type ListenSpec } from "./listeners.js";
import { RouterMetrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { handleRequest } from "./request-handler.js";
import { buildSnapshot, publishedListenKey, tcpListenKey } from "./snapshot.js";
import { forwardTcp } from "./tcp-proxy.js";
import { loadTls, type TlsSettings } from "./tls.js";
import { handleUpgrade } from "./upgrade-handler.js";
import { UploadSlots } from "./upload-slots.js";
import { UpstreamAgents } from "./upstream-agents.js";

export interface RouterOptions extends Partial<RouterSettings> {
  /** Where access log lines (JSON) go. Default: nowhere. */
  readonly accessLog?: Writable | undefined;
  /** Requests with a body one client may have in flight. Default 64 (see upload-slots.ts). */
  readonly uploadsPerClient?: number | undefined;
}

/**
 * The builtin router: HTTP/HTTPS listeners, TCP routes, and the route table they serve. `apply`
 * swaps the whole configuration at once: new requests see the new table, requests in flight keep
 * the upstream they have, and listeners are re-bound only when their address changes.
 */
export class Router {
  private current: Snapshot | undefined;
  private closed = false;
  private applying: Promise<unknown> = Promise.resolve();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Listeners();
  private readonly context: RouterContext;

  constructor(options: RouterOptions = {}) {
    const settings: RouterSettings = {
      ejectMs: options.ejectMs ?? 5000,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      queueRetryMs: options.queueRetryMs ?? 250,
    };
    const inflight = new InFlightTracker();
    const drain = new DrainScheduler();
    this.context = {
      snapshot: () => this.current,
      settings,
      balancer: new Balancer(),
      ejection: new PassiveEjection(settings.ejectMs),
      inflight,
      drain,
      metrics: new RouterMetrics(),
      stats: new VersionStats(),
      accessLog: new AccessLog(options.accessLog),
      rateLimiter: new RateLimiter(),
      uploads: new UploadSlots(options.uploadsPerClient),
      agents: new UpstreamAgents(settings.connectTimeoutMs),
      waitForChange: (ms) => this.waitForChange(ms),
      trackLongLived: (connection) => {
        inflight.add(connection);
        if (this.current) drain.review([connection], this.current.config);
        return () => {
          inflight.remove(connection);
          drain.forget(connection);
        };
      },
    };
  }

  /** The configuration served now; undefined before the first `apply`. */
  get config(): RouterConfig | undefined {
    return this.current?.config;
  }

  /** The Prometheus registry of this router's metrics. */
  get registry(): Registry {
    return this.context.metrics.registry;
  }

  /** Serves `config`; on failure (a certificate, a port) the previous configuration stays in force. */
  apply(config: RouterConfig): Promise<void> {
    const next = this.applying.then(() => this.applyNow(config));
    this.applying = next.catch(() => {});
    return next;
  }

  private async applyNow(config: RouterConfig): Promise<void> {
    if (this.closed) throw new Error("router is closed");
    const tls = config.https ? loadTls(config.tls) : undefined;
    const snapshot = buildSnapshot(config, tls);
    const commit = await this.listeners.prepare(this.listenSpecs(config));
    this.current = snapshot;
    commit();
    this.configureServers(config, tls);
    this.context.balancer.retain(new Set(config.routes.map((route) => route.id)));
    this.context.agents.retain(
      config.routes.flatMap((route) =>
        route.kind === "static" ? [] : route.sets.flatMap((set) => set.upstreams),
      ),
    );
    this.context.drain.review(this.context.inflight.connections(), config);
    for (const wake of [...this.waiters]) wake();
  }

  private listenSpecs(config: RouterConfig): ListenSpec[] {
    const specs: ListenSpec[] = [];
    if (needsSharedListener(config))
      specs.push({
        key: `http:${config.http.host}:${config.http.port}`,
        ...config.http,
        create: () => this.createWebServer("http"),
      });
    if (config.https)
      specs.push({
        key: `https:${config.https.host}:${config.https.port}`,
        ...config.https,
        create: () => this.createWebServer("https"),
      });
    for (const route of config.routes) {
      if (isPublished(route)) {
        const key = publishedListenKey(route);
        specs.push({
          key: `published:${key}`,
          ...route.listen,
          create: () => this.createWebServer("http", key),
        });
      }
      if (route.kind !== "tcp") continue;
      const key = tcpListenKey(route);
      specs.push({ key: `tcp:${key}`, ...route.listen, create: () => this.createTcpServer(key) });
    }
    return specs;
  }

  /** An HTTP or HTTPS server; `published` (`host:port`) makes it a published port's, serving its one route. */
  private createWebServer(listener: "http" | "https", published?: string): Server {
    const limits = this.current?.config.limits;
    const options = {
      headersTimeout: limits?.headersTimeoutMs ?? 30_000,
      requestTimeout: Math.max(limits?.requestTimeoutMs ?? 60_000, limits?.headersTimeoutMs ?? 30_000),
      keepAliveTimeout: limits?.idleTimeoutMs ?? 60_000,
      // Request headers up to 16 KiB in all (431 beyond); the nginx driver renders the same bound.
      maxHeaderSize: 16 * 1024,
      connectionsCheckingInterval: 1000,
    };
    // Node's server (never listening itself) serves what the fast path hands it (fast/fast-server.ts).
    const server = createHttpServer(options);
    server.on("request", (request, response) =>
      handleRequest(this.context, request, response, listener, published),
    );
    server.on("upgrade", (request, socket, head) =>
      handleUpgrade(this.context, request, socket, head, listener, published),
    );
    const count = (socket: Socket) => this.countConnection(socket);
    if (listener === "http") return new FastHttpServer(this.context, server, published, count);
    return new FastHttpsServer(
      this.context,
      server,
      {
        ALPNProtocols: ["http/1.1"],
        SNICallback: (servername, done) => done(null, this.current?.tls?.contextFor(servername)),
      },
      count,
    );
  }

  private createTcpServer(key: string): Server {
    return createTcpServer((socket) => {
      this.countConnection(socket);
      const route = this.current?.tcpByListen.get(key);
      if (!route) return void socket.destroy();
      void forwardTcp(this.context, route.id, socket);
    });
  }

  private countConnection(socket: Socket): void {
    socket.once("close", this.context.metrics.connectionOpened());
  }

  /** Timeouts and certificates of the web listeners follow the configuration without a re-bind. */
  private configureServers(config: RouterConfig, tls: TlsSettings | undefined): void {
    const { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = config.limits;
    for (const key of this.listeners.keys()) {
      if (key.startsWith("tcp:")) continue;
      const bound = this.listeners.server(key) as FastHttpServer | FastHttpsServer;
      const server = bound.http;
      server.headersTimeout = headersTimeoutMs;
      server.requestTimeout = Math.max(requestTimeoutMs, headersTimeoutMs);
      server.keepAliveTimeout = idleTimeoutMs;
      if (bound instanceof FastHttpsServer && tls) bound.setSecureContext(tls.defaultOptions);
    }
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  /** Requests, WebSockets and TCP connections still open on an upstream. */
  inFlight(upstreamId: string): InFlightCount {
    return this.context.inflight.count(upstreamId);
  }

  /** Per version of a route: requests, errors and p95 latency since the last `resetVersionStats`. */
  versionStats(routeId: string): Record<string, VersionSample> {
    return this.context.stats.snapshot(routeId);
  }

  resetVersionStats(routeId: string): void {
    this.context.stats.reset(routeId);
  }

  /** Prometheus text exposition of the router's metrics. */
  metrics(): Promise<string> {
    return this.context.metrics.text();
  }

  /** The ports actually bound (useful with port 0): HTTP, HTTPS, and each TCP route's. */
  ports(): { http: number | undefined; https: number | undefined; tcp: Record<string, number> } {
    const config = this.current?.config;
    const tcp: Record<string, number> = {};
    for (const route of config?.routes ?? []) {
      const port = route.kind === "tcp" ? this.listeners.port(`tcp:${tcpListenKey(route)}`) : undefined;
      if (port !== undefined) tcp[route.id] = port;
    }
    return {
      http: config && this.listeners.port(`http:${config.http.host}:${config.http.port}`),
      https: config?.https && this.listeners.port(`https:${config.https.host}:${config.https.port}`),
      tcp,
    };
  }

  /** Stops listening and cuts every connection (the process is going away). */
  async close(): Promise<void> {
    this.closed = true;
    await this.applying;
    this.current = undefined;
    for (const wake of [...this.waiters]) wake();
    this.context.drain.clear();
    for (const connection of this.context.inflight.connections()) connection.destroy();
    await this.listeners.closeAll();
    this.context.agents.destroy();
    this.context.accessLog.flush();
  }
}

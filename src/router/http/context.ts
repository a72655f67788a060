import type { IncomingHttpHeaders } from "node:http";
import type {
  HttpRoute,
  PublishedRoute,
  Route,
  RouterConfig,
  TcpRoute,
  Upstream,
  UpstreamSet,
} from "../model.js";
import type { VersionStats } from "../version-stats.js";
import type { AccessLog } from "./access-log.js";
import type { Balancer } from "./balancer.js";
import type { TrustedProxies } from "./client-address.js";
import type { DrainScheduler } from "./drain.js";
import type { PassiveEjection } from "./ejection.js";
import type { InFlightTracker, LongLivedConnection } from "./inflight.js";
import type { RouterMetrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limit.js";
import type { RouteTable, WebRoute } from "./route-table.js";
import type { SecurityHeadersByScheme } from "./security-headers.js";
import type { TlsSettings } from "./tls.js";
import type { UploadSlots } from "./upload-slots.js";
import type { UpstreamAgents } from "./upstream-agents.js";

/** One applied configuration and what was derived from it; replaced whole by `apply`. */
export interface Snapshot {
  readonly config: RouterConfig;
  readonly table: RouteTable;
  readonly routesById: ReadonlyMap<string, Route>;
  /** TCP routes by `host:port` of their listener. */
  readonly tcpByListen: ReadonlyMap<string, TcpRoute>;
  /** Published HTTP ports by `host:port` of their listener. */
  readonly publishedByListen: ReadonlyMap<string, PublishedRoute>;
  readonly trusted: TrustedProxies;
  /** The security headers of every response, per scheme the client used. */
  readonly security: SecurityHeadersByScheme;
  readonly tls: TlsSettings | undefined;
}

/** A route whose traffic goes to upstreams. */
export type ProxiedRoute = HttpRoute | TcpRoute;

/** Tunables of a `Router` that are not part of the route model. */
export interface RouterSettings {
  /** How long an upstream that refused a connection gets no new requests. Default 5000 ms. */
  readonly ejectMs: number;
  /** How long a connection to an upstream may take. Default 3000 ms. */
  readonly connectTimeoutMs: number;
  /** Pause between rounds while a request waits for an upstream. Default 250 ms. */
  readonly queueRetryMs: number;
}

/** What the request, WebSocket and TCP handlers share with the `Router` that owns them. */
export interface RouterContext {
  snapshot(): Snapshot | undefined;
  readonly settings: RouterSettings;
  readonly balancer: Balancer;
  readonly ejection: PassiveEjection;
  readonly inflight: InFlightTracker;
  readonly drain: DrainScheduler;
  readonly metrics: RouterMetrics;
  readonly stats: VersionStats;
  readonly accessLog: AccessLog;
  readonly rateLimiter: RateLimiter;
  /** Requests with a body in flight per client (slow bodies must not take every upstream connection). */
  readonly uploads: UploadSlots;
  readonly agents: UpstreamAgents;
  /** Resolves on the next `apply` (or `close`), or after `ms`. */
  waitForChange(ms: number): Promise<void>;
  /** Tracks a WebSocket or TCP connection for `inFlight` and draining; returns its untrack function. */
  trackLongLived(connection: LongLivedConnection): () => void;
}

/** The outcome of one request, filled in while it is handled; logged and counted when it ends. */
export interface RequestRecord {
  route: WebRoute | undefined;
  set: UpstreamSet | undefined;
  upstream: Upstream | undefined;
  /** Response body bytes; when unset, the `Content-Length` the response declared. */
  bytes: number | undefined;
  readonly requestId: string;
  readonly clientIp: string;
  /** The scheme the client used (a trusted proxy's `X-Forwarded-Proto`, or the listener's). */
  readonly proto: "http" | "https";
  readonly startedMs: number;
}

/** What the router's checks read of a request: an `IncomingMessage`, or a head the fast path parsed. */
export interface RequestView {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly httpVersionMajor: number;
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/**
 * The route model every router driver serves (builtin Node router, nginx): a plain, serializable
 * value the agent computes from the releases and instances, and applies atomically.
 */

/** One instance behind a route. */
export interface Upstream {
  /** Instance id, e.g. `shop.api.r7.0`. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `draining`: gets no new requests; in-flight requests and WebSockets finish (up to the drain timeout). */
  readonly state: "active" | "draining";
}

/** The instances of one version (release) of a service, with the share of new requests it gets. */
export interface UpstreamSet {
  /** Release id, e.g. `r7`; metrics are labelled with it. */
  readonly version: string;
  /** Relative weight, 0–100; sets of a route split new requests by weight. */
  readonly weight: number;
  readonly upstreams: readonly Upstream[];
}

export interface HttpRoute {
  readonly kind: "http";
  /** Stable id, `project/service/index`. */
  readonly id: string;
  readonly project: string;
  readonly service: string;
  /** Host names this route answers for; empty = any host. */
  readonly domains: readonly string[];
  /** Longest matching prefix wins. */
  readonly pathPrefix: string;
  readonly stripPrefix: boolean;
  readonly sets: readonly UpstreamSet[];
  /** How long draining upstreams keep in-flight requests and WebSockets before they are closed (1001). */
  readonly drainTimeoutMs: number;
  /** Redirect plain HTTP to HTTPS (except ACME challenges). */
  readonly httpsRedirect: boolean;
  /**
   * A published port (`ports: ["127.0.0.1:8080:3000"]`): the route alone is served on this listener
   * of its own, for any host and path, as the port was before (no security headers, body limit,
   * maintenance page or redirect). Default none: the shared HTTP/HTTPS listeners.
   */
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  /**
   * Served as usual while maintenance mode is on: the agent's own dashboard, where maintenance is
   * turned off again. Default false (the maintenance page).
   */
  readonly duringMaintenance?: boolean | undefined;
}

/** A route served on a published port of its own (`HttpRoute.listen`). */
export type PublishedRoute = HttpRoute & {
  readonly listen: { readonly host: string; readonly port: number };
};

export const isPublished = (route: Route): route is PublishedRoute =>
  route.kind === "http" && route.listen !== undefined;

/**
 * Whether the shared HTTP listener (`config.http`) is needed: not when every route is a published
 * port, so a project that publishes ports and routes nothing takes no port 80.
 */
export const needsSharedListener = (config: RouterConfig): boolean =>
  config.routes.length === 0 || config.routes.some((route) => !isPublished(route));

export interface StaticRoute {
  readonly kind: "static";
  readonly id: string;
  readonly project: string;
  readonly service: string;
  readonly domains: readonly string[];
  readonly pathPrefix: string;
  /** Directory served; `index.html` for `/`, precompressed `.gz`/`.br` files when the client accepts them. */
  readonly root: string;
  /** Unknown paths without a file extension get `index.html` (single-page apps). */
  readonly spaFallback: boolean;
  readonly httpsRedirect: boolean;
}

/** Layer 4: raw TCP on a port of its own. */
export interface TcpRoute {
  readonly kind: "tcp";
  readonly id: string;
  readonly project: string;
  readonly service: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly sets: readonly UpstreamSet[];
  readonly drainTimeoutMs: number;
}

export type Route = HttpRoute | StaticRoute | TcpRoute;

/** A certificate for some domains (files written by the agent: self-signed, user-provided or ACME). */
export interface Certificate {
  readonly domains: readonly string[];
  readonly certFile: string;
  readonly keyFile: string;
}

export interface RouterConfig {
  /** Increases with every change; the router reports the generation it serves. */
  readonly generation: number;
  readonly http: { readonly host: string; readonly port: number };
  /** Absent when no route uses TLS. */
  readonly https?: { readonly host: string; readonly port: number } | undefined;
  readonly routes: readonly Route[];
  readonly tls: {
    readonly certificates: readonly Certificate[];
    /** Default `1.2`. */
    readonly minVersion: "1.2" | "1.3";
  };
  /** ACME HTTP-01 tokens → key authorizations, answered at `/.well-known/acme-challenge/<token>` on HTTP. */
  readonly acmeChallenges: Readonly<Record<string, string>>;
  readonly security: {
    /** `Strict-Transport-Security` max-age on HTTPS responses; 0 = no header. Default 15552000 (180 days). */
    readonly hstsMaxAgeSeconds: number;
    /** Default `default-src 'self'`; empty string = no header. */
    readonly contentSecurityPolicy: string;
    /** Default `strict-origin-when-cross-origin`. */
    readonly referrerPolicy: string;
  };
  readonly limits: {
    /** Per client IP: tokens per second and bucket size; 0 = no limit. Over the limit: 429 with Retry-After. */
    readonly rateLimitPerSecond: number;
    readonly rateLimitBurst: number;
    /** Default 10 MiB; larger bodies get 413. */
    readonly maxBodyBytes: number;
    /** Default 30 s. */
    readonly headersTimeoutMs: number;
    /** Default 60 s. */
    readonly idleTimeoutMs: number;
    /** Whole-request limit towards the upstream. Default 60 s. */
    readonly requestTimeoutMs: number;
    /** While a route has no active upstream, a request waits up to this long. Default 10 s. */
    readonly queueTimeoutMs: number;
  };
  /** Client addresses whose `X-Forwarded-*` / `Forwarded` headers are trusted. Default none. */
  readonly trustedProxies: readonly string[];
  /**
   * Processes serving traffic: nginx's `worker_processes`; the builtin router's workers (with more
   * than 1, a primary process keeps the admin API and the workers share the listeners). Default 1.
   */
  readonly workers?: number | undefined;
  /** When set, every HTTP route answers 503 with this page and `Retry-After`. */
  readonly maintenance?: { readonly retryAfterSeconds: number; readonly html: string } | undefined;
}

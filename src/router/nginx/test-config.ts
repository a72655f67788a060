import type { HttpRoute, RouterConfig, StaticRoute, TcpRoute, Upstream, UpstreamSet } from "../model.js";

/** Route model values for tests, with the model's documented defaults. */

export function upstream(id: string, port: number, state: Upstream["state"] = "active"): Upstream {
  return { id, host: "127.0.0.1", port, state };
}

export function set(version: string, weight: number, upstreams: readonly Upstream[]): UpstreamSet {
  return { version, weight, upstreams };
}

export function httpRoute(overrides: Partial<HttpRoute> & Pick<HttpRoute, "id" | "sets">): HttpRoute {
  return {
    kind: "http",
    project: "shop",
    service: "api",
    domains: [],
    pathPrefix: "/",
    stripPrefix: false,
    drainTimeoutMs: 5_000,
    httpsRedirect: false,
    ...overrides,
  };
}

export function staticRoute(overrides: Partial<StaticRoute> & Pick<StaticRoute, "id" | "root">): StaticRoute {
  return {
    kind: "static",
    project: "shop",
    service: "web",
    domains: [],
    pathPrefix: "/",
    spaFallback: true,
    httpsRedirect: false,
    ...overrides,
  };
}

export function tcpRoute(overrides: Partial<TcpRoute> & Pick<TcpRoute, "id" | "listen" | "sets">): TcpRoute {
  return { kind: "tcp", project: "shop", service: "db", drainTimeoutMs: 5_000, ...overrides };
}

export function routerConfig(overrides: Partial<RouterConfig> = {}): RouterConfig {
  return {
    generation: 1,
    http: { host: "127.0.0.1", port: 8080 },
    routes: [],
    tls: { certificates: [], minVersion: "1.2" },
    acmeChallenges: {},
    security: {
      hstsMaxAgeSeconds: 15_552_000,
      contentSecurityPolicy: "default-src 'self'",
      referrerPolicy: "strict-origin-when-cross-origin",
    },
    limits: {
      rateLimitPerSecond: 0,
      rateLimitBurst: 0,
      maxBodyBytes: 10 * 1024 * 1024,
      headersTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
      queueTimeoutMs: 10_000,
    },
    trustedProxies: [],
    ...overrides,
  };
}

export const PATHS = {
  prefix: "/srv/nginx",
  pidFile: "/srv/nginx/nginx.pid",
  accessLog: "/srv/nginx/logs/access.log",
  errorLog: "/srv/nginx/logs/error.log",
  tempDir: "/srv/nginx/temp",
} as const;

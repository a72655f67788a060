import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { HttpRoute, RouterConfig, Upstream, UpstreamSet } from "../model.js";
import { Router, type RouterOptions } from "./router.js";

/** A port nobody listens on (connections are refused). */
export { freePort } from "../../network/ports.js";

/** Test helpers shared by the router's tests: real servers on loopback, closed by `closeAll`. */
const cleanups: (() => unknown)[] = [];

export async function closeAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

export interface TestUpstream {
  readonly port: number;
  readonly server: Server;
  /** Requests received, in order. */
  readonly seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  upstream(id?: string, state?: Upstream["state"]): Upstream;
}

/** An HTTP server that answers `tag:url` (or runs `handler`), recording what it received. */
export async function startUpstream(
  tag: string,
  handler?: (request: IncomingMessage, response: ServerResponse, body: string) => void,
): Promise<TestUpstream> {
  const seen: TestUpstream["seen"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (handler) handler(req, res, body);
      else res.end(`${tag}:${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  const port = (server.address() as { port: number }).port;
  return {
    port,
    server,
    seen,
    upstream: (id = tag, state = "active") => ({ id, host: "127.0.0.1", port, state }),
  };
}

export function deadUpstream(id: string, port: number): Upstream {
  return { id, host: "127.0.0.1", port, state: "active" };
}

export function set(version: string, weight: number, upstreams: readonly Upstream[]): UpstreamSet {
  return { version, weight, upstreams };
}

export function httpRoute(
  id: string,
  sets: readonly UpstreamSet[],
  extra: Partial<HttpRoute> = {},
): HttpRoute {
  return {
    kind: "http",
    id,
    project: "shop",
    service: id.split("/")[1] ?? "api",
    domains: [],
    pathPrefix: "/",
    stripPrefix: false,
    sets,
    drainTimeoutMs: 5000,
    httpsRedirect: false,
    ...extra,
  };
}

export function config(routes: RouterConfig["routes"], extra: Partial<RouterConfig> = {}): RouterConfig {
  return {
    generation: 1,
    http: { host: "127.0.0.1", port: 0 },
    routes,
    tls: { certificates: [], minVersion: "1.2" },
    acmeChallenges: {},
    security: {
      hstsMaxAgeSeconds: 15552000,
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
      queueTimeoutMs: 1000,
    },
    trustedProxies: [],
    ...extra,
  };
}

/** A router applied with `routerConfig`, closed after the test; returns it and its HTTP port. */
export async function startRouter(
  routerConfig: RouterConfig,
  options: RouterOptions = {},
): Promise<{ router: Router; port: number }> {
  const router = new Router({ queueRetryMs: 50, ...options });
  onCleanup(() => router.close());
  await router.apply(routerConfig);
  return { router, port: router.ports().http! };
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on a fresh connection (no agent), unless `agent` says otherwise. */
export function send(
  port: number,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    agent?: import("node:http").Agent;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

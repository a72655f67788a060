import type { HttpRoute } from "../model.js";

/** How a reserved route gets its certificate (a route's `tls`, without `off`: reserved routes are HTTPS only). */
export type ReservedTls = "auto" | "self-signed" | "acme" | "files";

/**
 * A route the agent itself serves through the router — its web dashboard — rather than a service of
 * a project. It belongs to a project (whose router and TLS settings apply, and whose event log hears
 * about its certificate), answers for its domains on any path, and is HTTPS only: plain HTTP is
 * redirected, never proxied.
 */
export interface ReservedRoute {
  /** Stable id, `project/@name`: `@` is not allowed in service names, so it never meets a service's. */
  readonly id: string;
  readonly project: string;
  /** Label of its figures in the router's metrics, such as `@dashboard`. */
  readonly name: string;
  readonly domains: readonly string[];
  readonly tls: ReservedTls;
  /** The agent's loopback listener behind it; absent while it is not listening (requests wait, then 503). */
  readonly upstream: { readonly host: string; readonly port: number } | undefined;
}

/** The route table entry of a reserved route: one upstream, TLS with a redirect from plain HTTP. */
export function reservedHttpRoute(route: ReservedRoute): HttpRoute {
  return {
    kind: "http",
    id: route.id,
    project: route.project,
    service: route.name,
    domains: route.domains,
    pathPrefix: "/",
    stripPrefix: false,
    sets: route.upstream
      ? [
          {
            version: "agent",
            weight: 1,
            upstreams: [
              { id: route.id, host: route.upstream.host, port: route.upstream.port, state: "active" },
            ],
          },
        ]
      : [],
    // The agent's own listener is not drained: its streams end when the agent moves it.
    drainTimeoutMs: 1000,
    httpsRedirect: true,
    // Maintenance mode is turned off from the dashboard: it stays reachable.
    duringMaintenance: true,
  };
}

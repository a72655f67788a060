import {
  type Certificate,
  type HttpRoute,
  isPublished,
  type RouterConfig,
  type StaticRoute,
} from "../model.js";
import { certificateName, hostName, pathPrefix } from "./validate.js";

/** A route that answers HTTP requests, with its place in `config.routes` and its checked prefix. */
export interface PlacedRoute {
  readonly route: HttpRoute | StaticRoute;
  readonly index: number;
  readonly prefix: string;
}

/** One nginx `server` block: the host names it answers for and the routes it serves. */
export interface VirtualHost {
  /** `server_name`s; empty for the default server (any host not named elsewhere). */
  readonly names: readonly string[];
  /** Longest prefix first: the order in which routes claim their `location`s. */
  readonly routes: readonly PlacedRoute[];
  /** HTTPS only: the certificate sent for these names; undefined refuses the handshake. */
  readonly certificate?: Certificate | undefined;
}

export interface VirtualHostPlan {
  /** The default server first. */
  readonly http: readonly VirtualHost[];
  /** Empty when `config.https` is absent. */
  readonly https: readonly VirtualHost[];
}

/** Prefixes match whole segments, as in the builtin router: does `outer` match every path `inner` does? */
export function prefixCovers(outer: string, inner: string): boolean {
  if (outer === "/") return true;
  if (!inner.startsWith(outer)) return false;
  return outer.endsWith("/") || inner.length === outer.length || inner[outer.length] === "/";
}

/**
 * The routes a host's server serves. The builtin router tries the routes naming the host first and
 * the host-less ones only when none matched; nginx picks the longest prefix of one server, so a
 * host-less route is left out wherever a route naming the host covers its prefix.
 */
function routesOfHost(named: readonly PlacedRoute[], anyHost: readonly PlacedRoute[]): PlacedRoute[] {
  const reachable = anyHost.filter((any) => !named.some((own) => prefixCovers(own.prefix, any.prefix)));
  return [...named, ...reachable].sort((a, b) => b.prefix.length - a.prefix.length);
}

function certificateFinder(config: RouterConfig): (host: string) => Certificate | undefined {
  const named = config.tls.certificates.map((certificate, index) => ({
    certificate,
    names: certificate.domains.map((domain, j) =>
      certificateName(domain, `tls.certificates[${index}].domains[${j}]`),
    ),
  }));
  return (host) =>
    named.find(({ names }) => names.includes(host))?.certificate ??
    named.find(({ names }) => names.includes(`*.${host.slice(host.indexOf(".") + 1)}`))?.certificate;
}

/** Hosts with the same routes (and certificate) share one server block. */
function groupHosts(
  hosts: readonly string[],
  routesOf: (host: string) => PlacedRoute[],
  certificateOf: (host: string) => Certificate | undefined,
): VirtualHost[] {
  const groups = new Map<string, { names: string[]; routes: PlacedRoute[]; certificate?: Certificate }>();
  for (const host of [...hosts].sort()) {
    const routes = routesOf(host);
    const certificate = certificateOf(host);
    const key = `${routes.map((r) => r.index).join(",")}|${certificate?.certFile ?? ""}|${certificate?.keyFile ?? ""}`;
    const group = groups.get(key);
    if (group) group.names.push(host);
    else groups.set(key, { names: [host], routes, certificate });
  }
  return [...groups.values()];
}

/** Which server blocks the config needs, for HTTP and for HTTPS. */
export function planVirtualHosts(config: RouterConfig): VirtualHostPlan {
  const byHost = new Map<string, PlacedRoute[]>();
  const anyHost: PlacedRoute[] = [];
  config.routes.forEach((route, index) => {
    // Published ports get servers of their own (published.ts).
    if (route.kind === "tcp" || isPublished(route)) return;
    const placed = { route, index, prefix: pathPrefix(route.pathPrefix, `routes[${index}].pathPrefix`) };
    if (route.domains.length === 0) anyHost.push(placed);
    route.domains.forEach((domain, j) => {
      const host = hostName(domain, `routes[${index}].domains[${j}]`);
      const list = byHost.get(host) ?? [];
      if (!list.includes(placed)) list.push(placed);
      byHost.set(host, list);
    });
  });
  const routesOf = (host: string) => routesOfHost(byHost.get(host) ?? [], anyHost);
  const anyHostRoutes = routesOfHost([], anyHost);
  const http = [
    { names: [], routes: anyHostRoutes },
    ...groupHosts([...byHost.keys()], routesOf, () => undefined),
  ];
  if (!config.https) return { http, https: [] };

  const certificateOf = certificateFinder(config);
  const certificateHosts = config.tls.certificates.flatMap((certificate, index) =>
    certificate.domains.flatMap((domain, j) =>
      domain.startsWith("*.") ? [] : [hostName(domain, `tls.certificates[${index}].domains[${j}]`)],
    ),
  );
  const hosts = [...new Set([...byHost.keys(), ...certificateHosts])];
  const https = [
    { names: [], routes: anyHostRoutes, certificate: config.tls.certificates[0] },
    ...groupHosts(hosts, routesOf, certificateOf),
  ];
  return { http, https };
}

import { type HttpRoute, isPublished, type RouterConfig, type StaticRoute } from "../model.js";

/** A route that answers HTTP requests (proxied or static files). */
export type WebRoute = HttpRoute | StaticRoute;

/**
 * The HTTP routes of one configuration, indexed for lookup. Routes naming the request's host win over
 * host-less ones (like nginx picks `server_name` before `location`); among them the longest prefix wins.
 */
export interface RouteTable {
  readonly byHost: ReadonlyMap<string, readonly WebRoute[]>;
  readonly anyHost: readonly WebRoute[];
  readonly byId: ReadonlyMap<string, WebRoute>;
}

export function compileRouteTable(config: RouterConfig): RouteTable {
  const byHost = new Map<string, WebRoute[]>();
  const anyHost: WebRoute[] = [];
  const byId = new Map<string, WebRoute>();
  for (const route of config.routes) {
    // Published ports have listeners of their own (`Snapshot.publishedByListen`).
    if (route.kind === "tcp" || isPublished(route)) continue;
    byId.set(route.id, route);
    if (route.domains.length === 0) anyHost.push(route);
    for (const domain of route.domains) {
      const key = normalizeHost(domain);
      byHost.set(key, [...(byHost.get(key) ?? []), route]);
    }
  }
  const longestFirst = (a: WebRoute, b: WebRoute) => b.pathPrefix.length - a.pathPrefix.length;
  for (const routes of byHost.values()) routes.sort(longestFirst);
  anyHost.sort(longestFirst);
  return { byHost, anyHost, byId };
}

/** `Example.COM:8443` → `example.com`; `[::1]:80` → `[::1]`; a trailing dot is dropped. */
export function normalizeHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) name = name.slice(0, name.indexOf("]") + 1);
  else if (name.includes(":")) name = name.slice(0, name.indexOf(":"));
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** The request path without its query string, as sent (still percent-encoded). */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Prefixes match whole segments: `/api` matches `/api` and `/api/x`, not `/apix`. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === "" || prefix === "/") return true;
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith("/") || path.length === prefix.length || path[prefix.length] === "/";
}

export function matchRoute(table: RouteTable, host: string, url: string): WebRoute | undefined {
  const path = pathOf(url);
  const named = table.byHost.get(normalizeHost(host));
  const found = named?.find((route) => prefixMatches(route.pathPrefix, path));
  return found ?? table.anyHost.find((route) => prefixMatches(route.pathPrefix, path));
}

/** `/api/users?x=1` under prefix `/api` → `/users?x=1`; the prefix itself becomes `/`. */
export function stripPathPrefix(prefix: string, url: string): string {
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (bare === "" || !url.startsWith(bare)) return url;
  const rest = url.slice(bare.length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

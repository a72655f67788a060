import { join, relative } from "node:path";
import type { AppSpec, ServiceSpec } from "../../manifest/model.js";
import { publishedHttpPorts } from "../../network/published-http.js";
import type { ReleaseContent } from "../../release/content.js";
import type { Certificate, Route, RouterConfig, UpstreamSet } from "../model.js";
import { type ReservedRoute, reservedHttpRoute } from "./reserved-routes.js";
import { routerLimits } from "./router-limits.js";

/** What the router config is computed from, for one project. */
export interface ProjectTraffic {
  readonly spec: AppSpec;
  /** The release each service's static files come from (its built artifact). */
  readonly active: ReleaseContent | undefined;
  readonly instances: readonly {
    id: string;
    service: string;
    releaseId: string;
    port: number | null;
    state: string;
  }[];
  /** Explicit weights per service and version (canary, blue-green); absent = by number of ready instances. */
  readonly weights: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

function upstreamSets(traffic: ProjectTraffic, service: ServiceSpec): UpstreamSet[] {
  const byVersion = new Map<string, UpstreamSet["upstreams"][number][]>();
  for (const instance of traffic.instances) {
    if (instance.service !== service.name || instance.port === null) continue;
    const state =
      instance.state === "healthy" ? "active" : instance.state === "draining" ? "draining" : undefined;
    if (!state) continue;
    const list = byVersion.get(instance.releaseId) ?? [];
    list.push({ id: instance.id, host: "127.0.0.1", port: instance.port, state });
    byVersion.set(instance.releaseId, list);
  }
  const explicit = traffic.weights[service.name];
  return [...byVersion.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([version, upstreams]) => ({
      version,
      // Without explicit weights every ready instance gets an equal share, whatever its version (rolling).
      weight: explicit ? (explicit[version] ?? 0) : upstreams.filter((u) => u.state === "active").length,
      upstreams,
    }));
}

/** A static route serves the service's built artifact when the directory lies inside its build context. */
function staticRoot(traffic: ProjectTraffic, service: ServiceSpec, root: string): string {
  const appDir = traffic.active?.artifacts[service.name]?.appDir;
  const context = service.build?.context;
  if (!appDir || !context) return root;
  const inside = relative(context, root);
  return inside.startsWith("..") ? root : join(appDir, inside);
}

/** The route id of a published HTTP port: `project/service/published/host:port`. */
export function publishedRouteId(
  project: string,
  service: string,
  published: { readonly host: string; readonly port: number },
): string {
  return `${project}/${service}/published/${published.host}:${published.port}`;
}

/** The routes of every project, as the router serves them (published HTTP ports included). */
export function routerConfig(
  projects: readonly ProjectTraffic[],
  options: {
    generation: number;
    certificates: readonly Certificate[];
    acmeChallenges: Readonly<Record<string, string>>;
    host: string;
    maintenance?: RouterConfig["maintenance"];
    /** Routes the agent serves itself (its dashboard), HTTPS only. Default none. */
    reserved?: readonly ReservedRoute[];
  },
): RouterConfig {
  const routes: Route[] = [];
  let http = { host: options.host, port: 80 };
  let https: RouterConfig["https"];
  let minVersion: "1.2" | "1.3" = "1.2";
  let queueTimeoutMs = 10_000;
  for (const traffic of projects) {
    const settings = traffic.spec["x-slipway"];
    http = { host: options.host, port: settings.router.http_port };
    minVersion = settings.tls.min_version;
    queueTimeoutMs = settings.router.queue_timeout.ms;
    for (const service of Object.values(traffic.spec.services)) {
      service["x-slipway"].routes.forEach((route, index) => {
        const id = `${traffic.spec.name}/${service.name}/${index}`;
        const tls = route.tls !== "off" && route.domains.length > 0;
        if (tls) https = { host: options.host, port: settings.router.https_port };
        const common = {
          id,
          project: traffic.spec.name,
          service: service.name,
          domains: route.domains,
          pathPrefix: route.path,
        };
        if (route.static) {
          routes.push({
            kind: "static",
            ...common,
            root: staticRoot(traffic, service, route.static),
            spaFallback: true,
            httpsRedirect: tls,
          });
        } else if (route.protocol === "tcp") {
          routes.push({
            kind: "tcp",
            id,
            project: traffic.spec.name,
            service: service.name,
            listen: { host: options.host, port: route.port ?? 0 },
            sets: upstreamSets(traffic, service),
            drainTimeoutMs: service["x-slipway"].drain_timeout.ms,
          });
        } else {
          routes.push({
            kind: "http",
            ...common,
            stripPrefix: route.strip_prefix,
            sets: upstreamSets(traffic, service),
            drainTimeoutMs: service["x-slipway"].drain_timeout.ms,
            httpsRedirect: tls,
          });
        }
      });
      for (const published of publishedHttpPorts(service)) {
        routes.push({
          kind: "http",
          id: publishedRouteId(traffic.spec.name, service.name, published),
          project: traffic.spec.name,
          service: service.name,
          domains: [],
          pathPrefix: "/",
          stripPrefix: false,
          sets: upstreamSets(traffic, service),
          drainTimeoutMs: service["x-slipway"].drain_timeout.ms,
          httpsRedirect: false,
          listen: { host: published.host, port: published.port },
        });
      }
    }
  }
  for (const reserved of options.reserved ?? []) {
    routes.push(reservedHttpRoute(reserved));
    const owner = projects.find((traffic) => traffic.spec.name === reserved.project);
    https ??= { host: options.host, port: owner?.spec["x-slipway"].router.https_port ?? 443 };
  }
  return {
    generation: options.generation,
    http,
    https,
    routes,
    tls: { certificates: options.certificates, minVersion },
    acmeChallenges: options.acmeChallenges,
    maintenance: options.maintenance,
    security: {
      hstsMaxAgeSeconds: 15_552_000,
      contentSecurityPolicy: "default-src 'self'; connect-src 'self' ws: wss:",
      referrerPolicy: "strict-origin-when-cross-origin",
    },
    ...routerLimits(
      projects.map((traffic) => traffic.spec["x-slipway"].router),
      queueTimeoutMs,
    ),
  };
}

import type { ServiceSpec } from "../../manifest/model.js";
import { publishedHttpPorts } from "../../network/published-http.js";
import type { StateStore } from "../../state/index.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { type RouterDriver, sumMeasures } from "../driver.js";
import { routerDrivers } from "../drivers.js";
import { ProxyController } from "../l4/controller.js";
import { RouteCertificates } from "../tls/route-certificates.js";
import type { CanaryDecision, TrafficControl, VersionMeasure } from "../traffic-control.js";
import { coalesced } from "./coalesce.js";
import { runningDataPlanes } from "./data-planes.js";
import { CanaryDecisions } from "./decisions.js";
import { projectListeners } from "./listeners.js";
import { MAINTENANCE_KEY, type MaintenanceMode, maintenanceOf, storedMaintenance } from "./maintenance.js";
import { checkRouterPorts, driverNameOf, type RoutableProject, routerHostOf } from "./projects.js";
import { planeConfigs } from "./published-plane.js";
import type { ReservedRoute } from "./reserved-routes.js";
import { publishedRouteId, routerConfig } from "./router-config.js";

/** The router serves this service: an HTTP route, a TCP route or a published HTTP port. */
const usesRouter = (service: ServiceSpec) =>
  service["x-slipway"].routes.length > 0 || publishedHttpPorts(service).length > 0;

/** Requests to this service pass the router, which drains its instances before they stop. */
const proxiedByRouter = (service: ServiceSpec) =>
  service["x-slipway"].routes.some((route) => !route.static) || publishedHttpPorts(service).length > 0;

export interface RouterControlOptions {
  readonly paths: SlipwayPaths;
  /** Events (a data plane restarted, a certificate issued), maintenance mode, instances to drain. */
  readonly store: StateStore;
  /** Every project as it is to be served now: its spec, active release, instances and addresses. */
  readonly projects: () => readonly RoutableProject[];
  /** argv that starts the builtin router and the proxy processes (`node bin/slipway router|proxy`). */
  readonly commands: {
    readonly router: readonly [string, ...string[]];
    readonly proxy: readonly [string, ...string[]];
  };
  /** Routes the agent serves itself through the router (its dashboard), read at every publish. Default none. */
  readonly reserved?: () => readonly ReservedRoute[];
}

/**
 * Where traffic goes: the service proxy (names and published ports) and the router (routes, TLS),
 * both computed from state and applied together, the router through the driver the projects ask
 * for. It is also the strategies' handle on the router: weights, per-version figures, decisions.
 */
export class RouterControl implements TrafficControl {
  readonly proxy: ProxyController;
  private readonly decisions = new CanaryDecisions();
  private readonly certificates: RouteCertificates;
  /** The driver serving the route table; undefined until something is routed. */
  private driver: RouterDriver | undefined;
  /** The builtin router serving published HTTP ports while nginx serves the routes (published-plane.ts). */
  private publishedPlane: RouterDriver | undefined;
  private generation = Date.now();
  /** Explicit traffic weights per project and service (canary steps, blue-green switches). */
  private readonly weights = new Map<string, Record<string, Record<string, number>>>();

  constructor(private readonly options: RouterControlOptions) {
    // A proxy that dies is started again at once, not at the agent's next revival round.
    this.proxy = new ProxyController(options.paths, options.commands.proxy, () => {
      setTimeout(() => void this.revive().catch(() => undefined), 50);
    });
    this.certificates = new RouteCertificates({
      dir: options.paths.tlsDir,
      publish: () => this.publish(),
      report: (project, { ok, message }) =>
        options.store.addEvent({
          project,
          kind: ok ? "tls.issued" : "tls.acme-failed",
          level: ok ? "info" : "error",
          message,
        }),
    });
  }

  /**
   * Recomputes both tables from state and waits until both data planes serve them. Publishes run
   * one at a time, in order (the router refuses an older generation); callers that arrive while one
   * is queued share it, since it will read the state they changed.
   */
  readonly publish = coalesced(() => this.publishNow());

  private async publishNow(): Promise<void> {
    const projects = this.options.projects();
    await this.proxy.apply(
      projects.flatMap((p) =>
        projectListeners(p.spec.name, Object.values(p.spec.services), p.addresses, p.instances),
      ),
    );
    const reserved = this.options.reserved?.() ?? [];
    const routed = projects.filter(
      (p) =>
        Object.values(p.spec.services).some(usesRouter) || reserved.some((r) => r.project === p.spec.name),
    );
    if (routed.length === 0) return this.stopRouter();
    const host = process.env.SLIPWAY_ROUTER_HOST ?? routerHostOf(routed);
    checkRouterPorts(routed, host);
    const config = routerConfig(
      routed.map((p) => ({ ...p, weights: this.weights.get(p.spec.name) ?? {} })),
      {
        generation: ++this.generation,
        certificates: await this.certificates.forProjects(
          routed.map((p) => p.spec),
          reserved,
        ),
        acmeChallenges: this.certificates.acmeChallenges(),
        host,
        maintenance: maintenanceOf(this.options.store.getMeta(MAINTENANCE_KEY)),
        reserved,
      },
    );
    const name = driverNameOf(routed);
    const planes = planeConfigs(config, name);
    if (planes.routes) await (await this.driverNamed(name)).apply(planes.routes);
    else if (this.driver) {
      // Only published ports are left: a builtin router serving them goes on as the published plane.
      if (this.driver.name === "builtin") this.publishedPlane ??= this.driver;
      else await this.driver.stop();
      this.driver = undefined;
    }
    if (planes.published) {
      this.publishedPlane ??= await this.builtinDriver();
      await this.publishedPlane.apply(planes.published);
    } else if (this.publishedPlane) {
      // The driver is builtin again: the same router process now serves everything.
      if (this.driver?.name !== "builtin") await this.publishedPlane.stop();
      this.publishedPlane = undefined;
    }
  }

  private builtinDriver(): Promise<RouterDriver> {
    return routerDrivers.builtin({ paths: this.options.paths, routerCommand: this.options.commands.router });
  }

  /** The data planes serving traffic now: the projects' driver and a builtin router beside nginx. */
  private planes(): RouterDriver[] {
    return [this.driver, this.publishedPlane].filter((plane): plane is RouterDriver => plane !== undefined);
  }

  /** The driver by that name; a different one serving until now is stopped first (it holds the ports). */
  private async driverNamed(name: RouterDriver["name"]): Promise<RouterDriver> {
    if (this.driver?.name === name) return this.driver;
    const next = await routerDrivers[name]({
      paths: this.options.paths,
      routerCommand: this.options.commands.router,
    });
    await this.driver?.stop();
    this.driver = next;
    return next;
  }

  /**
   * Stops the router no project routes through any more, also one a previous agent started (found
   * by its pid file), so no process is left holding the router's ports.
   */
  private async stopRouter(): Promise<void> {
    const running = runningDataPlanes(this.options.paths).map((plane) => plane.name);
    const names = new Set<RouterDriver["name"]>(this.driver ? [this.driver.name] : []);
    if (running.includes("router")) names.add("builtin");
    if (running.includes("nginx")) names.add("nginx");
    for (const name of names) {
      const driver =
        this.driver?.name === name
          ? this.driver
          : await routerDrivers[name]({
              paths: this.options.paths,
              routerCommand: this.options.commands.router,
            });
      await driver.stop();
    }
    this.driver = undefined;
    this.publishedPlane = undefined;
  }

  /** `agent stop`: with no project left to serve, the proxy and the router stop too. */
  async stopIfUnused(): Promise<void> {
    if (this.options.projects().length > 0) return;
    await this.proxy.stop();
    await this.stopRouter();
  }

  /** Turns maintenance mode on (with the page and Retry-After) or off, and waits until the router serves it. */
  async setMaintenance(mode: MaintenanceMode | undefined): Promise<void> {
    this.options.store.setMeta(MAINTENANCE_KEY, storedMaintenance(mode));
    await this.publish();
  }

  /**
   * Restarts a data plane that died (the proxy, the router) by publishing again: each comes back
   * with the current tables. Called by the agent every few seconds.
   */
  async revive(): Promise<void> {
    const down = [
      this.proxy.isDown() && "proxy",
      ...this.planes().map((plane) => plane.isDown() && `${plane.name} router`),
    ];
    const named = down.filter(Boolean);
    if (named.length === 0) return;
    for (const { spec } of this.options.projects())
      this.options.store.addEvent({
        project: spec.name,
        kind: "traffic.restarted",
        level: "warning",
        message: `the ${named.join(" and ")} process was not running; started it again`,
      });
    await this.publish();
  }

  async setWeights(
    project: string,
    service: string,
    weights: Readonly<Record<string, number>> | undefined,
  ): Promise<void> {
    const current = { ...(this.weights.get(project) ?? {}) };
    if (weights) current[service] = { ...weights };
    else delete current[service];
    this.weights.set(project, current);
    await this.publish();
  }

  /** Ids of the service's proxied HTTP routes and published HTTP ports (what the router measures per version). */
  private httpRouteIds(project: string, service: string): string[] {
    const spec = this.options.projects().find((p) => p.spec.name === project)?.spec.services[service];
    if (!spec) return [];
    return [
      ...spec["x-slipway"].routes.flatMap((route, index) =>
        route.static || route.protocol === "tcp" ? [] : [`${project}/${service}/${index}`],
      ),
      ...publishedHttpPorts(spec).map((published) => publishedRouteId(project, service, published)),
    ];
  }

  async measure(project: string, service: string): Promise<Record<string, VersionMeasure>> {
    const ids = this.httpRouteIds(project, service);
    return sumMeasures(await Promise.all(this.planes().map((plane) => plane.measure(ids))));
  }

  /** Per proxied HTTP route of the service (by id), its figures summed over versions' latency buckets. */
  async measureRoutes(project: string, service: string): Promise<Record<string, readonly number[]>> {
    const out: Record<string, readonly number[]> = {};
    for (const id of this.httpRouteIds(project, service)) {
      const versions = Object.values((await this.driver?.measure([id])) ?? {});
      const buckets: number[] = [];
      for (const v of versions)
        for (const [i, n] of (v.latencyBuckets ?? []).entries()) buckets[i] = (buckets[i] ?? 0) + n;
      if (versions.length > 0) out[id] = buckets;
    }
    return out;
  }

  async resetMeasure(project: string, service: string): Promise<void> {
    const ids = this.httpRouteIds(project, service);
    await Promise.all(this.planes().map((plane) => plane.resetMeasure(ids)));
  }

  waitForDecision(project: string, ms: number): Promise<CanaryDecision | undefined> {
    return this.decisions.wait(project, ms);
  }

  /** `slipway promote` / `slipway abort`: false when no canary of the project waits for one. */
  decide(project: string, decision: CanaryDecision): boolean {
    return this.decisions.decide(project, decision);
  }

  /**
   * Waits until the router has no request, WebSocket or TCP connection left on a routed instance
   * (or the timeout passes). Instances of services the router does not proxy (no route, no published
   * HTTP port) have nothing to drain here.
   */
  async waitDrained(instanceId: string, timeoutMs: number): Promise<void> {
    const instance = this.options.store.getInstance(instanceId);
    const planes = this.planes();
    if (!instance || instance.port == null || planes.length === 0) return;
    const service = this.options.projects().find((p) => p.spec.name === instance.project)?.spec.services[
      instance.service
    ];
    if (!service || !proxiedByRouter(service)) return;
    const upstream = { id: instance.id, host: "127.0.0.1", port: instance.port };
    const deadline = Date.now() + timeoutMs;
    const inFlight = async () =>
      (await Promise.all(planes.map((plane) => plane.inFlight(upstream)))).reduce((a, b) => a + b, 0);
    while (Date.now() < deadline && (await inFlight()) > 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

import { join } from "node:path";
import { SlipwayError } from "../errors.js";
import {
  describeRouterPortConflict,
  ROUTER_PORT_CONFLICT_HINT,
  routerPortConflicts,
} from "../network/router-ports.js";
import type { Certificate, RouterConfig } from "../router/model.js";
import type { NginxDriver } from "../router/nginx/driver.js";
import type { CertificateManager } from "../router/tls/manager.js";
import type { CanaryDecision, TrafficControl, VersionMeasure } from "../router/traffic-control.js";
import type { StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { coalesced } from "./coalesce.js";
import type { ProjectSpecs } from "./project-specs.js";
import { ProxyController } from "./proxy-controller.js";
import { isPublicDomain, type ProjectTraffic, routerConfig } from "./router-config.js";
import { RouterController } from "./router-controller.js";
import { projectListeners } from "./routes.js";

/**
 * Where traffic goes: the service proxy (names and published ports) and the HTTP router (routes,
 * TLS), both computed from state and applied together. Certificates are issued on demand. It is
 * also the strategies' handle on the router: weights, per-version figures, promote/abort.
 */
export class Traffic implements TrafficControl {
  private readonly decisions = new Map<string, (decision: CanaryDecision) => void>();
  readonly proxy: ProxyController;
  readonly router: RouterController;
  /** Loaded on first use: the TLS libraries cost the idle agent several MB it rarely needs. */
  private certificateManager: CertificateManager | undefined;
  private readonly acmeChallenges: Record<string, string> = {};
  private readonly acmeInFlight = new Set<string>();
  private generation = Date.now();
  /** With `x-slipway.router.driver: nginx`: nginx serves the same route table (no per-version figures). */
  private nginx: NginxDriver | undefined;

  constructor(
    private readonly paths: SlipwayPaths,
    private readonly store: StateStore,
    private readonly specs: ProjectSpecs,
    /** Explicit traffic weights per project and service (canary steps, blue-green switches). */
    readonly weights: Map<string, Record<string, Record<string, number>>> = new Map(),
  ) {
    this.proxy = new ProxyController(paths);
    this.router = new RouterController(paths);
  }

  private projectsTraffic(): ProjectTraffic[] {
    return this.specs.projects().flatMap((project) => {
      const spec = this.specs.spec(project);
      if (!spec) return [];
      const active = this.store.activeRelease(project);
      return [
        {
          spec,
          active: active ? this.specs.release(project, active.id) : undefined,
          instances: this.store.listInstances(project),
          weights: this.weights.get(project) ?? {},
        },
      ];
    });
  }

  private async certificates(): Promise<CertificateManager> {
    if (!this.certificateManager) {
      const { CertificateManager } = await import("../router/tls/manager.js");
      this.certificateManager ??= new CertificateManager({ dir: this.paths.tlsDir });
    }
    return this.certificateManager;
  }

  /** Certificates for every TLS route: user files, ACME for public domains (self-signed until issued), else self-signed. */
  private async certificatesFor(projects: readonly ProjectTraffic[]): Promise<Certificate[]> {
    const certificates: Certificate[] = [];
    for (const { spec } of projects) {
      const tls = spec["x-slipway"].tls;
      for (const service of Object.values(spec.services)) {
        for (const route of service["x-slipway"].routes) {
          if (route.tls === "off" || route.domains.length === 0) continue;
          if (route.tls === "files" && tls.cert_file && tls.key_file) {
            certificates.push(
              await (await this.certificates()).useFiles(route.domains, tls.cert_file, tls.key_file),
            );
            continue;
          }
          const wantsAcme =
            route.tls === "acme" || (route.tls === "auto" && route.domains.every(isPublicDomain));
          const issued = wantsAcme
            ? (await (await this.certificates()).listCertificates()).find(
                (c) => c.source === "acme" && route.domains.every((d) => c.domains.includes(d)),
              )
            : undefined;
          if (issued) certificates.push(issued);
          else certificates.push(await (await this.certificates()).ensureSelfSigned(route.domains));
          if (wantsAcme && !issued) this.orderAcme(spec.name, route.domains, tls.acme_directory, tls.email);
        }
      }
    }
    return certificates;
  }

  /** ACME in the background: the route serves a self-signed certificate until the real one arrives. */
  private orderAcme(
    project: string,
    domains: readonly string[],
    directoryUrl: string | undefined,
    email: string | undefined,
  ): void {
    const key = domains.join(",");
    if (this.acmeInFlight.has(key)) return;
    this.acmeInFlight.add(key);
    void this.certificates()
      .then((manager) =>
        manager.obtainAcme(domains, {
          directoryUrl: directoryUrl ?? "https://acme-v02.api.letsencrypt.org/directory",
          email,
          setChallenge: async (token, keyAuthorization) => {
            this.acmeChallenges[token] = keyAuthorization;
            await this.publish();
          },
          clearChallenge: async (token) => {
            delete this.acmeChallenges[token];
          },
        }),
      )
      .then(
        () =>
          this.store.addEvent({
            project,
            kind: "tls.issued",
            level: "info",
            message: `ACME certificate issued for ${key}`,
          }),
        (error: Error) =>
          this.store.addEvent({
            project,
            kind: "tls.acme-failed",
            level: "error",
            message: `ACME for ${key} failed: ${error.message}`,
          }),
      )
      .finally(() => {
        this.acmeInFlight.delete(key);
        void this.publish();
      });
  }

  /**
   * Recomputes both tables from state and waits until both data planes serve them. Publishes run
   * one at a time, in order (the router refuses an older generation); callers that arrive while one
   * is queued share it, since it will read the state they changed.
   */
  readonly publish = coalesced(() => this.publishNow());

  /** Router-wide maintenance mode (every HTTP route answers 503 with the page), kept in state. */
  private maintenance(): RouterConfig["maintenance"] {
    const stored = this.store.getMeta(MAINTENANCE_KEY);
    return stored ? (JSON.parse(stored) as RouterConfig["maintenance"]) : undefined;
  }

  /** Turns maintenance mode on (with the page and Retry-After) or off, and waits until the router serves it. */
  async setMaintenance(mode: { retryAfterSeconds: number; message: string } | undefined): Promise<void> {
    if (mode) {
      const page = maintenancePage(mode.message);
      this.store.setMeta(
        MAINTENANCE_KEY,
        JSON.stringify({ retryAfterSeconds: mode.retryAfterSeconds, html: page }),
      );
    } else {
      this.store.setMeta(MAINTENANCE_KEY, "");
    }
    await this.publish();
  }

  /**
   * Restarts a data plane that died (the proxy, the builtin router) by publishing again: each
   * comes back with the current tables. Called by the agent every few seconds.
   */
  async revive(): Promise<void> {
    const down = [this.proxy.isDown() && "proxy", this.router.isDown() && "router"].filter(Boolean);
    if (down.length === 0) return;
    for (const project of this.specs.projects())
      this.store.addEvent({
        project,
        kind: "traffic.restarted",
        level: "warning",
        message: `the ${down.join(" and ")} process was not running; started it again`,
      });
    await this.publish();
  }

  private async publishNow(): Promise<void> {
    const projects = this.projectsTraffic();
    await this.proxy.apply(
      projects.flatMap((p) =>
        projectListeners(
          p.spec.name,
          Object.values(p.spec.services),
          this.specs.addresses(p.spec.name),
          p.instances,
        ),
      ),
    );
    const routed = projects.filter((p) =>
      Object.values(p.spec.services).some((s) => s["x-slipway"].routes.length > 0),
    );
    if (routed.length === 0) return;
    const host = process.env.SLIPWAY_ROUTER_HOST ?? routerHost(routed);
    const [conflict] = routed.flatMap((p) => routerPortConflicts(p.spec, host));
    if (conflict)
      throw new SlipwayError({
        code: "E_ROUTER_PORT_CONFLICT",
        message: describeRouterPortConflict(conflict),
        hint: ROUTER_PORT_CONFLICT_HINT,
      });
    const config = routerConfig(routed, {
      generation: ++this.generation,
      certificates: await this.certificatesFor(routed),
      acmeChallenges: { ...this.acmeChallenges },
      host,
      maintenance: this.maintenance(),
    });
    if (routed.some((p) => p.spec["x-slipway"].router.driver === "nginx")) {
      const { NginxDriver } = await import("../router/nginx/driver.js");
      this.nginx ??= new NginxDriver({ prefix: join(this.paths.home, "nginx") });
      await this.nginx.apply(config);
    } else {
      await this.router.apply(config);
    }
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

  private httpRouteIds(project: string, service: string): string[] {
    const spec = this.specs.spec(project)?.services[service];
    return (spec?.["x-slipway"].routes ?? []).flatMap((route, index) =>
      route.static || route.protocol === "tcp" ? [] : [`${project}/${service}/${index}`],
    );
  }

  async measure(project: string, service: string): Promise<Record<string, VersionMeasure>> {
    const total: Record<string, { requests: number; errors: number; p95Ms: number }> = {};
    for (const route of this.httpRouteIds(project, service)) {
      const stats = await this.router.admin.stats(route).catch(() => ({}));
      for (const [version, sample] of Object.entries(stats)) {
        const entry = total[version] ?? { requests: 0, errors: 0, p95Ms: 0 };
        total[version] = entry;
        entry.requests += sample.requests;
        entry.errors += sample.errors;
        entry.p95Ms = Math.max(entry.p95Ms, sample.p95Ms ?? 0);
      }
    }
    return total;
  }

  async resetMeasure(project: string, service: string): Promise<void> {
    for (const route of this.httpRouteIds(project, service))
      await this.router.admin.resetStats(route).catch(() => undefined);
  }

  waitForDecision(project: string, ms: number): Promise<CanaryDecision | undefined> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => settle(undefined), ms) : undefined;
      const settle = (decision: CanaryDecision | undefined) => {
        clearTimeout(timer);
        this.decisions.delete(project);
        resolve(decision);
      };
      this.decisions.set(project, settle);
    });
  }

  /** `slipway promote` / `slipway abort`: false when no canary of the project waits for one. */
  decide(project: string, decision: CanaryDecision): boolean {
    const waiting = this.decisions.get(project);
    waiting?.(decision);
    return waiting !== undefined;
  }

  /**
   * Waits until no request or WebSocket is left on an instance (or the timeout passes): the builtin
   * router counts them; behind nginx, the connections open at the instance's port are counted (old
   * nginx workers keep their WebSockets after a reload until the instance itself goes away).
   */
  async waitDrained(instanceId: string, timeoutMs: number): Promise<void> {
    const instance = this.store.getInstance(instanceId);
    const behindNginx =
      instance?.port != null && this.specs.spec(instance.project)?.["x-slipway"].router.driver === "nginx";
    const open = async () => {
      if (!behindNginx) return this.router.inFlight(instanceId);
      const { establishedOn } = await import("../router/nginx/connections.js");
      return establishedOn(instance.port!);
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await open()) > 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** One router serves every project: their common `router.host`, or every interface when they differ. */
function routerHost(projects: readonly ProjectTraffic[]): string {
  const hosts = new Set(projects.map((p) => p.spec["x-slipway"].router.host));
  return hosts.size === 1 ? [...hosts][0]! : "0.0.0.0";
}

const MAINTENANCE_KEY = "router.maintenance";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page every HTTP route answers during maintenance. */
function maintenancePage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>Down for maintenance</h1><p>${escapeHtml(message)}</p></body></html>
`;
}

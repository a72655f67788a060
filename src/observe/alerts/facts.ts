import { statfsSync } from "node:fs";
import type { AppSpec } from "../../manifest/model.js";
import type { Deploy, Instance } from "../../state/index.js";
import type { CertificateFigure, MetricsSource } from "../metrics/source.js";
import { alertsOf } from "./config.js";

/** Event kinds the rules read: the newest of each per service. */
const DIGESTED = [
  "backup.created",
  "backup.failed",
  "backup.verified",
  "backup.verify-failed",
  "instance.crashloop",
] as const;
type DigestedKind = (typeof DIGESTED)[number];

export interface NewestEvent {
  readonly ts: number;
  readonly message: string;
}

/** The thresholds of a project's `x-slipway.alerts` (defaults filled in). */
export interface AlertSettings {
  readonly certificateDays: number;
  readonly diskPercent: number;
  readonly backupGraceMs: number;
  readonly errorRate: { readonly percent: number; readonly windowMs: number; readonly minRequests: number };
  readonly latency: { readonly ms: number; readonly windowMs: number; readonly minRequests: number };
}

/** Requests through the router to one service since the router's counters began (all versions). */
export interface ServiceTraffic {
  readonly service: string;
  readonly requests: number;
  readonly errors: number;
}

/** One proxied HTTP route's completed requests per latency bucket since the router's counters began. */
export interface RouteLatency {
  readonly service: string;
  /** The route as the manifest writes it, e.g. `api.example.com/v1` or `/api`. */
  readonly route: string;
  /** Counts per bucket: one per upper bound of `bounds`, then the rest (+Inf). */
  readonly buckets: readonly number[];
  /** Upper bounds of the buckets, in milliseconds. */
  readonly bounds: readonly number[];
}

export interface ProjectFacts {
  readonly project: string;
  /** The active release's spec; undefined when the project is down or never deployed. */
  readonly spec: AppSpec | undefined;
  /** When the active release was made (ms since the epoch). */
  readonly activeSince: number | undefined;
  readonly instances: readonly Instance[];
  /** The newest deploy that has finished. */
  readonly lastDeploy: Deploy | undefined;
  /** The newest event of a kind for a service. */
  newest(service: string, kind: DigestedKind): NewestEvent | undefined;
  readonly settings: AlertSettings;
  /** Routed services' request counters (none when the router cannot be asked). */
  readonly traffic: readonly ServiceTraffic[];
  /** Proxied HTTP routes' latency buckets (none when the router cannot be asked). */
  readonly latency: readonly RouteLatency[];
}

export interface DiskFigure {
  readonly path: string;
  /** Empty for the state directory. */
  readonly project: string;
  readonly usedPercent: number;
}

/** Everything the rules look at, read once per evaluation: the rules themselves are pure. */
export interface AlertFacts {
  readonly now: number;
  readonly projects: readonly ProjectFacts[];
  readonly certificates: readonly CertificateFigure[];
  readonly disks: readonly DiskFigure[];
  /** Thresholds for what belongs to the machine (the first deployed project by name decides). */
  readonly machine: AlertSettings;
}

/** What the alerts read besides the metrics' source. */
export interface AlertSource extends MetricsSource {
  /** The active spec of a project (undefined when down or never deployed). */
  activeSpec(project: string): AppSpec | undefined;
  /** A routed service's request and error counters through the router; undefined when it has none. */
  routeFigures(project: string, service: string): Promise<{ requests: number; errors: number } | undefined>;
  /** Latency buckets of each proxied HTTP route of a service, by route id (`project/service/index`), and their bounds (ms). */
  routeLatencies(
    project: string,
    service: string,
  ): Promise<{ bounds: readonly number[]; routes: Record<string, readonly number[]> }>;
  /** The state directory and each project's volumes directory. */
  diskPaths(): readonly { readonly path: string; readonly project: string }[];
}

export function settingsOf(spec: AppSpec | undefined): AlertSettings {
  const alerts = spec && alertsOf(spec);
  return {
    certificateDays: alerts?.certificate_days ?? 14,
    diskPercent: alerts?.disk_percent ?? 90,
    backupGraceMs: alerts?.backup_grace.ms ?? 3_600_000,
    errorRate: {
      percent: alerts?.error_rate.percent ?? 5,
      windowMs: alerts?.error_rate.window.ms ?? 300_000,
      minRequests: alerts?.error_rate.min_requests ?? 20,
    },
    latency: {
      ms: alerts?.latency_p95.ms ?? 1000,
      windowMs: alerts?.latency_p95.window.ms ?? 300_000,
      minRequests: alerts?.latency_p95.min_requests ?? 20,
    },
  };
}

/** Percent used of the filesystem holding each path, one figure per filesystem. */
export function diskFigures(
  paths: readonly { readonly path: string; readonly project: string }[],
): DiskFigure[] {
  const seen = new Set<string>();
  const out: DiskFigure[] = [];
  for (const { path, project } of paths) {
    const stats = (() => {
      try {
        return statfsSync(path);
      } catch {
        return undefined;
      }
    })();
    if (!stats || stats.blocks === 0) continue;
    const id = `${stats.type}:${stats.blocks}:${stats.bfree}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, project, usedPercent: 100 * (1 - stats.bavail / stats.blocks) });
  }
  return out;
}

/** Reads the facts; keeps a cursor into each project's events so every evaluation reads only new ones. */
export class FactReader {
  private readonly digests = new Map<string, { cursor: number; newest: Map<string, NewestEvent> }>();

  constructor(private readonly source: AlertSource) {}

  private digest(project: string): Map<string, NewestEvent> {
    const digest = this.digests.get(project) ?? { cursor: 0, newest: new Map<string, NewestEvent>() };
    this.digests.set(project, digest);
    for (const event of this.source.store.listEvents(project, { afterId: digest.cursor })) {
      digest.cursor = event.id;
      if ((DIGESTED as readonly string[]).includes(event.kind))
        digest.newest.set(`${event.service ?? ""}\n${event.kind}`, { ts: event.ts, message: event.message });
    }
    return digest.newest;
  }

  private async traffic(project: string, spec: AppSpec | undefined): Promise<ServiceTraffic[]> {
    const out: ServiceTraffic[] = [];
    for (const [service, s] of Object.entries(spec?.services ?? {})) {
      if (!s["x-slipway"].routes.some((r) => !r.static && r.protocol === "http")) continue;
      const figures = await this.source.routeFigures(project, service).catch(() => undefined);
      if (figures) out.push({ service, ...figures });
    }
    return out;
  }

  private async latency(project: string, spec: AppSpec | undefined): Promise<RouteLatency[]> {
    const out: RouteLatency[] = [];
    for (const [service, s] of Object.entries(spec?.services ?? {})) {
      const routes = s["x-slipway"].routes;
      if (!routes.some((r) => !r.static && r.protocol === "http")) continue;
      const figures = await this.source.routeLatencies(project, service).catch(() => undefined);
      for (const [id, buckets] of Object.entries(figures?.routes ?? {})) {
        const route = routes[Number(id.split("/").at(-1))];
        const label = route ? `${route.domains[0] ?? ""}${route.path}` : id;
        out.push({ service, route: label, buckets, bounds: figures!.bounds });
      }
    }
    return out;
  }

  async read(now = Date.now()): Promise<AlertFacts> {
    const projects: ProjectFacts[] = [];
    for (const project of [...this.source.projects()].sort()) {
      const store = this.source.store;
      const newest = this.digest(project);
      const spec = this.source.activeSpec(project);
      projects.push({
        project,
        spec,
        activeSince: store.activeRelease(project)?.createdAt,
        instances: store.listInstances(project),
        lastDeploy: store.listDeploys(project, 5).find((d) => d.status !== "running"),
        newest: (service, kind) => newest.get(`${service}\n${kind}`),
        settings: settingsOf(spec),
        traffic: await this.traffic(project, spec),
        latency: await this.latency(project, spec),
      });
    }
    return {
      now,
      projects,
      certificates: await this.source.certificates(),
      disks: diskFigures(this.source.diskPaths()),
      machine: settingsOf(
        projects.find((p) => p.spec?.["x-slipway"].alerts)?.spec ?? projects.find((p) => p.spec)?.spec,
      ),
    };
  }
}

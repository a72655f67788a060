import { Cron } from "croner";
import { Gauge, type Registry } from "prom-client";
import type { BackupFigure, MetricsSource } from "./source.js";

/** Backups are listed from their stores (maybe S3): at most this often. */
const BACKUP_LIST_TTL_MS = 30_000;

/** How late the newest scheduled run of a service started after its cron time, in seconds. */
export function scheduleLagSeconds(cron: string, startedAt: number): number | undefined {
  const due = new Cron(cron).previousRuns(1, new Date(startedAt + 1))[0];
  return due ? Math.max(0, startedAt - due.getTime()) / 1000 : undefined;
}

/**
 * The gauges of how things are now, read at every scrape: instances by state and their restarts,
 * each service's newest backup, certificates' expiry, and how late schedules ran.
 */
export class StateSnapshot {
  private backupCache = new Map<string, { readonly at: number; readonly figures: readonly BackupFigure[] }>();

  constructor(
    private readonly source: MetricsSource,
    registry: Registry,
  ) {
    const registers = [registry];
    const snapshot = this;
    new Gauge({
      name: "slipway_instances",
      help: "Instances by project, service and state (starting|running|healthy|unhealthy|draining|standby|stopped|exited|crashloop)",
      labelNames: ["project", "service", "state"],
      registers,
      collect() {
        this.reset();
        for (const project of source.projects())
          for (const i of source.store.listInstances(project))
            this.inc({ project, service: i.service, state: i.state });
      },
    });
    new Gauge({
      name: "slipway_instance_restarts",
      help: "How often the supervisor restarted each current instance",
      labelNames: ["project", "service", "instance"],
      registers,
      collect() {
        this.reset();
        for (const project of source.projects())
          for (const i of source.store.listInstances(project))
            this.set({ project, service: i.service, instance: i.id }, i.restarts);
      },
    });
    new Gauge({
      name: "slipway_schedule_lag_seconds",
      help: "How late the newest scheduled run of a service started after its cron time",
      labelNames: ["project", "service"],
      registers,
      collect() {
        this.reset();
        for (const project of source.projects()) snapshot.scheduleLags(project, this);
      },
    });
    new Gauge({
      name: "slipway_certificate_expiry_timestamp_seconds",
      help: "When each certificate the router serves expires (Unix time)",
      labelNames: ["domains", "source"],
      registers,
      async collect() {
        this.reset();
        for (const c of await source.certificates())
          this.set({ domains: c.domains.join(","), source: c.source }, c.notAfter.getTime() / 1000);
      },
    });
    this.backupGauges(registers);
  }

  private scheduleLags(project: string, gauge: Gauge<"project" | "service">): void {
    const newest = new Map<string, number>();
    for (const run of this.source.store.listJobRuns(project, { limit: 200 }))
      if (run.kind === "schedule" && !newest.has(run.service)) newest.set(run.service, run.startedAt);
    for (const [service, startedAt] of newest) {
      const cron = this.source.cronOf(project, service);
      const lag = cron === undefined ? undefined : scheduleLagSeconds(cron, startedAt);
      if (lag !== undefined) gauge.set({ project, service }, lag);
    }
  }

  /** Each service's newest backup, verified or not, and its newest verification. */
  private backupGauges(registers: Registry[]): void {
    const gauge = (name: string, help: string, value: (newest: readonly BackupFigure[]) => number | null) => {
      const snapshot = this;
      new Gauge({
        name,
        help,
        labelNames: ["project", "service"],
        registers,
        async collect() {
          this.reset();
          for (const project of snapshot.source.projects()) {
            for (const [service, figures] of byService(await snapshot.backups(project))) {
              const v = value(figures);
              if (v !== null) this.set({ project, service }, v);
            }
          }
        },
      });
    };
    gauge(
      "slipway_backup_last_success_timestamp_seconds",
      "When the newest backup of a service was taken (Unix time)",
      (f) => f[0]!.createdAt / 1000,
    );
    gauge("slipway_backup_last_size_bytes", "Size in the store of the newest backup", (f) => f[0]!.size);
    gauge(
      "slipway_backup_last_verification_success",
      "1 when the most recently verified backup restored, 0 when it did not (absent: never verified)",
      (f) => {
        const checked = f.filter((b) => b.verifiedAt !== null).sort((a, b) => b.verifiedAt! - a.verifiedAt!);
        return checked[0] ? (checked[0].verified === "ok" ? 1 : 0) : null;
      },
    );
  }

  private async backups(project: string): Promise<readonly BackupFigure[]> {
    const cached = this.backupCache.get(project);
    if (cached && Date.now() - cached.at < BACKUP_LIST_TTL_MS) return cached.figures;
    const figures = await this.source.backups(project);
    this.backupCache.set(project, { at: Date.now(), figures });
    return figures;
  }
}

/** Backups per service, newest first. */
function byService(figures: readonly BackupFigure[]): Map<string, BackupFigure[]> {
  const out = new Map<string, BackupFigure[]>();
  for (const f of [...figures].sort((a, b) => b.createdAt - a.createdAt)) {
    const list = out.get(f.service) ?? [];
    list.push(f);
    out.set(f.service, list);
  }
  return out;
}

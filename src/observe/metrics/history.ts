import { Counter, Histogram, type Registry } from "prom-client";
import type { MetricsSource } from "./source.js";

/** Deploy and job durations: seconds to tens of minutes. */
const DURATION_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];
/** How many of the newest deploys and job runs each read looks at. */
const WINDOW = 500;

/** Which event kinds count where: the supervisor and backups record them (see state/events.ts). */
const EVENT_COUNTERS: Readonly<Record<string, "exits" | "crashloops" | "healthFailures">> = {
  "instance.exited": "exits",
  "instance.crashloop": "crashloops",
  "instance.unhealthy": "healthFailures",
};

/**
 * The counters of things that happened, read from state since the last read: finished deploys and
 * job runs (each counted once, by id), and events. State keeps history across agent restarts, so the
 * counters start from everything it remembers.
 */
export class StateHistory {
  private readonly deploys: Counter<"project" | "kind" | "outcome">;
  private readonly deployDuration: Histogram<"project" | "kind" | "outcome">;
  private readonly jobRuns: Counter<"project" | "service" | "kind" | "outcome">;
  private readonly jobDuration: Histogram<"project" | "service" | "kind">;
  private readonly counters: Record<
    "exits" | "crashloops" | "healthFailures",
    Counter<"project" | "service">
  >;
  private readonly backupFailures: Counter<"project" | "service" | "kind">;
  /** Ids of finished deploys and job runs already counted, per project. */
  private readonly counted = new Map<string, Set<number>>();
  private readonly eventCursor = new Map<string, number>();

  constructor(
    private readonly source: MetricsSource,
    registry: Registry,
  ) {
    const registers = [registry];
    this.deploys = new Counter({
      name: "slipway_deploys_total",
      help: "Finished deploys and rollbacks by project, kind (deploy|rollback) and outcome (succeeded|failed|rolled-back|interrupted)",
      labelNames: ["project", "kind", "outcome"],
      registers,
    });
    this.deployDuration = new Histogram({
      name: "slipway_deploy_duration_seconds",
      help: "How long finished deploys took",
      labelNames: ["project", "kind", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.jobRuns = new Counter({
      name: "slipway_job_runs_total",
      help: "Finished job runs (schedule|migrate|run) by outcome (succeeded|failed)",
      labelNames: ["project", "service", "kind", "outcome"],
      registers,
    });
    this.jobDuration = new Histogram({
      name: "slipway_job_run_duration_seconds",
      help: "How long finished job runs took",
      labelNames: ["project", "service", "kind"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const perService = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ["project", "service"], registers });
    this.counters = {
      exits: perService("slipway_instance_exits_total", "Instances that exited while supervised"),
      crashloops: perService(
        "slipway_crashloops_total",
        "Times an instance entered a crash loop (5 exits within a minute)",
      ),
      healthFailures: perService(
        "slipway_health_check_failures_total",
        "Times an instance turned unhealthy by its healthcheck",
      ),
    };
    this.backupFailures = new Counter({
      name: "slipway_backup_failures_total",
      help: "Failed backups, uploads, verifications and restores, by event kind",
      labelNames: ["project", "service", "kind"],
      registers,
    });
  }

  /** Counts what happened since the last call. */
  read(): void {
    for (const project of this.source.projects()) {
      this.readDeploys(project);
      this.readJobRuns(project);
      this.readEvents(project);
    }
  }

  /** True the first time an id of the project is seen; forgets ids that left the window. */
  private firstTime(project: string, kind: string, id: number, window: readonly number[]): boolean {
    const key = `${project}\n${kind}`;
    const seen = this.counted.get(key) ?? new Set<number>();
    this.counted.set(key, seen);
    if (window.length > 0) {
      const oldest = Math.min(...window);
      for (const old of seen) if (old < oldest) seen.delete(old);
    }
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  }

  private readDeploys(project: string): void {
    const deploys = this.source.store.listDeploys(project, WINDOW);
    const ids = deploys.map((d) => d.id);
    for (const deploy of deploys) {
      if (deploy.status === "running" || deploy.finishedAt === undefined) continue;
      if (!this.firstTime(project, "deploy", deploy.id, ids)) continue;
      const labels = { project, kind: deploy.kind, outcome: deploy.status };
      this.deploys.inc(labels);
      this.deployDuration.observe(labels, (deploy.finishedAt - deploy.startedAt) / 1000);
    }
  }

  private readJobRuns(project: string): void {
    const runs = this.source.store.listJobRuns(project, { limit: WINDOW });
    const ids = runs.map((r) => r.id);
    for (const run of runs) {
      if (run.finishedAt === undefined) continue;
      if (!this.firstTime(project, "job", run.id, ids)) continue;
      const outcome = run.exitCode === 0 ? "succeeded" : "failed";
      this.jobRuns.inc({ project, service: run.service, kind: run.kind, outcome });
      this.jobDuration.observe(
        { project, service: run.service, kind: run.kind },
        (run.finishedAt - run.startedAt) / 1000,
      );
    }
  }

  private readEvents(project: string): void {
    const afterId = this.eventCursor.get(project) ?? 0;
    const events = this.source.store.listEvents(project, { afterId });
    for (const event of events) {
      const service = event.service ?? "";
      const counter = EVENT_COUNTERS[event.kind];
      if (counter) this.counters[counter].inc({ project, service });
      else if (event.kind.startsWith("backup.") && event.level === "error")
        this.backupFailures.inc({ project, service, kind: event.kind });
    }
    const last = events.at(-1);
    if (last) this.eventCursor.set(project, last.id);
  }
}

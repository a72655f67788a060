import { Cron } from "croner";
import type { AppSpec } from "../../manifest/model.js";

/** What the schedules run; the agent's implementation backs up, verifies and applies retention. */
export interface ScheduledWork {
  backUp(app: AppSpec, service: string): Promise<void>;
  verify(app: AppSpec, service: string): Promise<void>;
}

/**
 * Runs each backed-up service's `backups.schedule` and `backups.verify` crons (5 fields, or 6 with
 * seconds). A job never overlaps itself (croner's `protect`); a backup and a verification of the
 * same service never overlap either (the work refuses a busy service).
 */
export class BackupSchedules {
  private readonly jobs = new Map<string, Cron[]>();

  constructor(private readonly work: ScheduledWork) {}

  /** Replaces the project's jobs with those of `app` (none when undefined: not deployed, or down). */
  sync(project: string, app: AppSpec | undefined): void {
    for (const job of this.jobs.get(project) ?? []) job.stop();
    this.jobs.delete(project);
    if (!app) return;
    const jobs: Cron[] = [];
    for (const service of Object.values(app.services)) {
      const settings = service["x-slipway"].backups;
      if (!settings) continue;
      jobs.push(
        new Cron(settings.schedule, { protect: true }, () => this.work.backUp(app, service.name)),
        new Cron(settings.verify, { protect: true }, () => this.work.verify(app, service.name)),
      );
    }
    if (jobs.length > 0) this.jobs.set(project, jobs);
  }

  /** Number of jobs of a project (a backup and a verification per backed-up service). */
  count(project: string): number {
    return this.jobs.get(project)?.length ?? 0;
  }

  stopAll(): void {
    for (const jobs of this.jobs.values()) for (const job of jobs) job.stop();
    this.jobs.clear();
  }
}

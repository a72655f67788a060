import { Cron } from "croner";
import { runServiceJob } from "../deploy/jobs.js";
import type { DeployRuntime } from "../deploy/runtime.js";
import type { ProjectSpecs } from "./project-specs.js";

/**
 * Runs services that have `x-slipway.schedule` as jobs at their cron times, from the active release.
 * A run never overlaps the previous one (croner's `protect`, and the job-run table across restarts).
 */
export class Scheduler {
  private readonly jobs = new Map<string, Cron>();

  constructor(
    private readonly rt: DeployRuntime,
    private readonly specs: ProjectSpecs,
  ) {}

  /** Re-reads a project's schedules from its active release. */
  sync(project: string): void {
    for (const [key, job] of this.jobs) {
      if (key.startsWith(`${project}/`)) {
        job.stop();
        this.jobs.delete(key);
      }
    }
    const active = this.rt.store.activeRelease(project);
    const release = active && this.specs.release(project, active.id);
    if (!active || !release || this.specs.isDown(project)) return;
    for (const service of Object.values(release.spec.services)) {
      const schedule = service["x-slipway"].schedule;
      if (!schedule) continue;
      const job = new Cron(schedule.cron, { protect: true }, async () => {
        if (this.rt.store.runningJobRun(project, service.name, "schedule")) return;
        const result = await runServiceJob(
          this.rt,
          release.spec,
          service.name,
          release.artifacts[service.name]!,
          active.id,
          "schedule",
          {
            timeoutMs: schedule.timeout?.ms,
          },
        ).catch((error: Error) => ({ exitCode: null, output: error.message, timedOut: false, signal: null }));
        if (result.exitCode !== 0) {
          this.rt.store.addEvent({
            project,
            service: service.name,
            kind: "schedule.failed",
            level: "error",
            message: `${service.name} run exited with ${result.exitCode}: ${result.output.slice(-500)}`,
          });
        }
      });
      this.jobs.set(`${project}/${service.name}`, job);
    }
  }

  stopAll(): void {
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
}

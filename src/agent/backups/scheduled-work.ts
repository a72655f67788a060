import type { StateStore } from "../../state/index.js";
import type { AgentBackups } from "./backups.js";
import type { ScheduledWork } from "./schedules.js";

/**
 * The agent's scheduled backup work: a backup (or a verification of the newest backup), then the
 * service's retention. A service that is busy (a manual backup or restore runs) skips this turn with
 * a warning. Failures are already events of level error; nothing is thrown into croner.
 */
export function scheduledWork(backups: AgentBackups, store: StateStore): ScheduledWork {
  const turn = async (project: string, service: string, what: string, work: () => Promise<unknown>) => {
    if (backups.isBusy(project, service)) {
      backups.event(
        project,
        service,
        "backup.skipped",
        "warning",
        `scheduled ${what} of ${service} skipped: another backup operation of it is running`,
      );
      return;
    }
    try {
      await work();
    } catch {
      return; // recorded as an event where it failed
    }
    await backups.prune(project, { service }).catch((error: unknown) => {
      backups.failed(project, service, "backup.prune-failed", `retention of ${service} failed`, error);
    });
  };
  return {
    backUp: (app, service) =>
      turn(app.name, service, "backup", () =>
        backups.backUp(app, service, "schedule", store.activeRelease(app.name)?.id),
      ),
    verify: (app, service) =>
      turn(app.name, service, "verification", () => backups.verifyNewest(app.name, service)),
  };
}

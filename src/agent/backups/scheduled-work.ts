import type { AppSpec } from "../../manifest/model.js";
import type { StateStore } from "../../state/index.js";
import type { AgentBackups } from "./backups.js";
import type { ScheduledWork } from "./schedules.js";

/**
 * The agent's scheduled backup work: a backup (or a verification of the newest backup), then the
 * service's retention, in one turn. A service that is busy (a manual backup or a restore runs) skips
 * this turn with a warning. Failures are already events of level error; nothing is thrown into croner.
 */
export function scheduledWork(load: () => Promise<AgentBackups>, store: StateStore): ScheduledWork {
  const turn = async (
    app: AppSpec,
    service: string,
    what: string,
    work: (backups: AgentBackups) => Promise<unknown>,
  ) => {
    const backups = await load();
    if (backups.isBusy(app.name, service)) {
      const message = `scheduled ${what} of ${service} skipped: another backup operation of it is running`;
      backups.event(app.name, service, "backup.skipped", "warning", message);
      return;
    }
    await backups.exclusive(app.name, service, async () => {
      try {
        await work(backups);
      } catch {
        return; // recorded as an event where it failed
      }
      await backups.pruneNow(app, service, false).catch((error: unknown) => {
        backups.failed(app.name, service, "backup.prune-failed", `retention of ${service} failed`, error);
      });
    });
  };
  return {
    backUp: (app, service) =>
      turn(app, service, "backup", (backups) =>
        backups.backUpNow(app, service, "schedule", store.activeRelease(app.name)?.id),
      ),
    verify: (app, service) =>
      turn(app, service, "verification", (backups) => backups.verifyNewestNow(app, service)),
  };
}

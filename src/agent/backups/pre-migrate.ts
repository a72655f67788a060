import { SlipwayError } from "../../errors.js";
import type { AppSpec } from "../../manifest/model.js";
import type { StateStore } from "../../state/index.js";
import type { AgentBackups } from "./backups.js";
import { metaKey, type PreMigrationBackup, preMigrationBackups } from "./pre-migrate-record.js";
import { type RestoreRequest, restoreServiceBackup, type ServiceControl } from "./restore.js";

/**
 * Before the first migration of a deploy: backs up every running service with
 * `backups.before_migrate` (default true) and records the ids on the release (state and an event).
 * A failed backup fails the deploy: migrating without the backup that undoes it is not safe.
 */
export async function backUpBeforeMigration(
  backups: AgentBackups,
  store: StateStore,
  app: AppSpec,
  release: string,
  log: (message: string) => void,
): Promise<PreMigrationBackup[]> {
  const taken: PreMigrationBackup[] = [];
  for (const service of Object.values(app.services)) {
    const settings = service["x-slipway"].backups;
    if (!settings?.before_migrate) continue;
    const running = store
      .listInstances(app.name, { service: service.name })
      .some((i) => i.port !== null && ["healthy", "running"].includes(i.state));
    if (!running) continue;
    const manifest = await backups.backUp(app, service.name, "pre-migrate", release);
    taken.push({ service: service.name, id: manifest.id });
    log(`backed up ${service.name} before migrating: ${manifest.id}`);
  }
  if (taken.length > 0) {
    store.setMeta(metaKey(app.name, release), JSON.stringify(taken));
    store.addEvent({
      project: app.name,
      releaseId: release,
      kind: "backup.pre-migrate",
      level: "info",
      message: `backups before the migrations of ${release}: ${taken.map((t) => `${t.service} ${t.id}`).join(", ")}`,
      data: taken,
    });
  }
  return taken;
}

/**
 * `rollback --restore-data`: the backups taken before the first migration after `target` (per
 * service, the oldest such one), newest release last. `E_ROLLBACK_NO_BACKUP` when there is none.
 */
export function backupsToRestore(
  store: StateStore,
  project: string,
  targetNumber: number,
): PreMigrationBackup[] {
  const releases = store
    .listReleases(project)
    .filter((release) => release.number > targetNumber)
    .sort((a, b) => a.number - b.number);
  const chosen = new Map<string, PreMigrationBackup>();
  for (const release of releases) {
    for (const backup of preMigrationBackups(store, project, release.id)) {
      if (!chosen.has(backup.service)) chosen.set(backup.service, backup);
    }
  }
  if (chosen.size === 0) {
    throw new SlipwayError({
      code: "E_ROLLBACK_NO_BACKUP",
      message: `no release of ${project} after the rollback target took a backup before migrating`,
      hint: "roll back without --restore-data, or restore a backup of your choice with `slipway backup restore`",
    });
  }
  return [...chosen.values()];
}

/**
 * `rollback --restore-data`, before the code goes back: restores the backups `backupsToRestore`
 * chooses, one by one; the first failure stops it (and the rollback) with nothing of it replaced.
 */
export async function restorePreMigrationBackups(
  backups: AgentBackups,
  control: ServiceControl,
  store: StateStore,
  project: string,
  targetNumber: number,
  request: RestoreRequest,
  log: (message: string) => void,
): Promise<void> {
  for (const { service, id } of backupsToRestore(store, project, targetNumber)) {
    log(`restoring ${service} from pre-migration backup ${id}`);
    const report = await restoreServiceBackup(backups, control, project, id, request);
    log(`restored ${service} from ${id} to ${report.restoredTo}`);
  }
}

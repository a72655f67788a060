import { isAbsolute, join } from "node:path";
import { type RestoreOutcome, restoreBackup } from "../../backup/index.js";
import { InputError } from "../../errors.js";
import type { AgentBackups } from "./backups.js";

/** Stops and starts a service's instances around a restore that needs its server stopped (Redis, volumes). */
export interface ServiceControl {
  stop(project: string, service: string): Promise<void>;
  /** Starts the service again from the active release. */
  start(project: string, service: string): Promise<void>;
}

/** Where `backup restore` puts the data. */
export interface RestoreRequest {
  /** postgres: a new database name; redis and volume: an absolute directory. Default: the service's own data. */
  readonly to?: string | undefined;
  readonly identities: readonly string[];
}

export interface RestoreReport extends RestoreOutcome {
  readonly id: string;
  readonly service: string;
}

/**
 * Restores backup `id`. In place (no `to`): postgres swaps a fully restored copy in while the
 * server runs; redis and volume services are stopped, their data replaced, and started again —
 * also when the restore fails, which replaces nothing. With `to`, a new place is filled and the
 * service is left alone.
 */
export async function restoreServiceBackup(
  backups: AgentBackups,
  control: ServiceControl,
  project: string,
  id: string,
  request: RestoreRequest,
): Promise<RestoreReport> {
  const { app, service, manifest } = await backups.find(project, id);
  return backups.exclusive(project, service, async () => {
    const { engine, store, source } = await backups.resolvedParts(app, service);
    const to = request.to;
    if (to !== undefined && source.kind !== "postgres" && !isAbsolute(to)) {
      throw new InputError({
        code: "E_BACKUP_TARGET",
        message: `--to ${to}: a ${source.kind} backup is restored into a directory, given as an absolute path`,
      });
    }
    const target =
      source.kind === "postgres"
        ? { ...(to ? { database: to } : {}) }
        : source.kind === "redis"
          ? { ...(to ? { path: join(to, "dump.rdb") } : {}) }
          : to
            ? { dir: to }
            : { force: true };
    const stopFirst = to === undefined && source.kind !== "postgres";
    const restore = () =>
      restoreBackup({
        engine,
        store,
        project,
        service,
        id,
        target,
        identities: request.identities,
        tmpDir: backups.tmpDir(),
      });
    try {
      let outcome: RestoreOutcome;
      if (stopFirst) {
        await control.stop(project, service);
        try {
          outcome = await restore();
        } finally {
          await control.start(project, service);
        }
      } else outcome = await restore();
      const notes = stopFirst
        ? outcome.notes.filter((n) => !n.startsWith("start redis-server"))
        : outcome.notes;
      backups.event(
        project,
        service,
        "backup.restored",
        "warning",
        `restored backup ${id} of ${service} (${manifest.createdAt}) to ${outcome.restoredTo}`,
        { id, to: outcome.restoredTo },
      );
      return { id, service, restoredTo: outcome.restoredTo, notes };
    } catch (error) {
      backups.failed(
        project,
        service,
        "backup.restore-failed",
        `restoring backup ${id} of ${service} failed; nothing was replaced`,
        error,
      );
      throw error;
    }
  });
}

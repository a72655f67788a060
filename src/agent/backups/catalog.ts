import {
  BackupError,
  type BackupManifest,
  type BackupStore,
  listBackups,
  readManifest,
  type UnreadableManifest,
} from "../../backup/index.js";
import type { AppSpec } from "../../manifest/model.js";
import type { StateStore } from "../../state/index.js";
import { backedUpServices } from "./source.js";
import { type BackupRow, backupRow } from "./views.js";

/** A failed backup, upload, verification or restore, as `backup list` shows it. */
export interface BackupFailure {
  readonly ts: number;
  readonly service?: string | undefined;
  readonly kind: string;
  readonly message: string;
}

/** What `backup list` shows for a project. */
export interface BackupListing {
  readonly backups: readonly BackupRow[];
  readonly unreadable: readonly UnreadableManifest[];
  /** Recent failures (events of level error), newest first. */
  readonly failures: readonly BackupFailure[];
}

/** Every backup of every backed-up service of `app`, newest first, with the recent failures. */
export async function listProjectBackups(
  app: AppSpec,
  storeOf: (service: string) => BackupStore,
  state: StateStore,
): Promise<BackupListing> {
  const backups: BackupManifest[] = [];
  const unreadable: UnreadableManifest[] = [];
  for (const service of backedUpServices(app)) {
    const found = await listBackups(storeOf(service), app.name, service);
    backups.push(...found.backups);
    unreadable.push(...found.unreadable);
  }
  backups.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const failures = state
    .listEvents(app.name)
    .filter((e) => e.kind.startsWith("backup.") && e.level === "error")
    .slice(-20)
    .reverse()
    .map((e) => ({ ts: e.ts, service: e.service, kind: e.kind, message: e.message }));
  return { backups: backups.map(backupRow), unreadable, failures };
}

/** A backup found by id, with the service (and spec) it belongs to. */
export interface FoundBackup {
  readonly app: AppSpec;
  readonly service: string;
  readonly manifest: BackupManifest;
}

/** Backup `id` of `app` in whichever service's store holds it; `E_BACKUP_NOT_FOUND` when none does. */
export async function findBackup(
  app: AppSpec,
  id: string,
  storeOf: (service: string) => BackupStore,
): Promise<FoundBackup> {
  for (const service of backedUpServices(app)) {
    const manifest = await readManifest(storeOf(service), app.name, service, id).catch((error: unknown) => {
      if (error instanceof BackupError && error.code === "E_BACKUP_NOT_FOUND") return undefined;
      throw error;
    });
    if (manifest) return { app, service, manifest };
  }
  throw new BackupError("E_BACKUP_NOT_FOUND", `${app.name} has no backup ${id}`, "see `slipway backup list`");
}

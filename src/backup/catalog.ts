import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { BackupError, messageOf } from "./errors.js";
import {
  type BackupManifest,
  isManifestKey,
  manifestKey,
  parseManifest,
  serializeManifest,
  servicePrefix,
} from "./manifest.js";
import type { BackupStore } from "./store.js";

/** Reads the manifest of one backup; `E_BACKUP_NOT_FOUND` when there is none. */
export async function readManifest(
  store: BackupStore,
  project: string,
  service: string,
  id: string,
): Promise<BackupManifest> {
  const key = manifestKey(project, service, id);
  const body = await store.get(key).catch((error: unknown) => {
    if (error instanceof BackupError && error.code === "E_BACKUP_NOT_FOUND") {
      throw new BackupError(
        "E_BACKUP_NOT_FOUND",
        `there is no backup ${id} of ${project}/${service} in ${store.description}`,
      );
    }
    throw error;
  });
  return parseManifest(await text(body), key);
}

/** Writes (or rewrites, after a verification) a backup's manifest. */
export async function writeManifest(store: BackupStore, manifest: BackupManifest): Promise<void> {
  const key = manifestKey(manifest.project, manifest.service, manifest.id);
  await store.put(key, Readable.from([Buffer.from(serializeManifest(manifest))]));
}

/** A manifest that could not be read; listed, not hidden, so a damaged catalogue is noticed. */
export interface UnreadableManifest {
  readonly key: string;
  readonly message: string;
}

/** The backups of one service, newest first. */
export async function listBackups(
  store: BackupStore,
  project: string,
  service: string,
): Promise<{
  readonly backups: readonly BackupManifest[];
  readonly unreadable: readonly UnreadableManifest[];
}> {
  const prefix = servicePrefix(project, service);
  const backups: BackupManifest[] = [];
  const unreadable: UnreadableManifest[] = [];
  for (const object of await store.list(prefix)) {
    if (!isManifestKey(object.key) || object.key.slice(prefix.length).includes("/")) continue;
    try {
      backups.push(parseManifest(await text(await store.get(object.key)), object.key));
    } catch (error) {
      unreadable.push({ key: object.key, message: messageOf(error) });
    }
  }
  backups.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { backups, unreadable };
}

/** Removes a backup: its manifest first (so it stops counting as a backup), then its object. */
export async function deleteBackup(store: BackupStore, manifest: BackupManifest): Promise<void> {
  await store.delete(manifestKey(manifest.project, manifest.service, manifest.id));
  await store.delete(manifest.object);
}

import { readManifest } from "./catalog.js";
import type { BackupEngine, RestoreOutcome } from "./engine.js";
import { type BackupManifest, checkEngine } from "./manifest.js";
import { openDecoded } from "./pipeline/decode.js";
import { withVerifiedCopy } from "./pipeline/fetch-verified.js";
import type { BackupStore } from "./store.js";

/** Which backup to restore, from where, to where. */
export interface RestoreOptions<Target> {
  readonly engine: BackupEngine<Target>;
  readonly store: BackupStore;
  readonly project: string;
  readonly service: string;
  readonly id: string;
  /** Where the engine restores to (a database name, a path, a directory); see the engine's target type. */
  readonly target: Target;
  /** age identities (`AGE-SECRET-KEY-1…`) for encrypted backups. Default none. */
  readonly identities?: readonly string[];
  /** Directory for the downloaded copy. Default the system's temporary directory. */
  readonly tmpDir?: string;
}

/**
 * Restores a backup: download to a temporary file, check size and sha256 (`E_BACKUP_CHECKSUM`),
 * unwrap the age key (`E_BACKUP_DECRYPT`), then decrypt → decompress → engine restore, which
 * replaces nothing unless the whole stream decoded (`E_BACKUP_CORRUPT`) and the tool succeeded.
 */
export async function restoreBackup<Target>(
  options: RestoreOptions<Target>,
): Promise<RestoreOutcome & { readonly manifest: BackupManifest }> {
  const { engine, store, project, service, id } = options;
  const manifest = checkEngine(await readManifest(store, project, service, id), engine.kind);
  const outcome = await withVerifiedCopy(store, manifest, options.tmpDir, async (path) => {
    const input = await openDecoded(path, manifest, options.identities ?? []);
    try {
      return await engine.restore(input, options.target, {
        id,
        ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
      });
    } finally {
      input.destroy();
    }
  });
  return { ...outcome, manifest };
}

import { readManifest } from "./catalog.js";
import type { BackupEngine, RestoreOutcome } from "./engine.js";
import { awaitedLater } from "./engines/tool-process.js";
import { type BackupManifest, checkEngine } from "./manifest.js";
import { openDecoded, openedOnRead } from "./pipeline/decode.js";
import { decodedPipe } from "./pipeline/decoded-pipe.js";
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
 * An engine that `inspectsBeforeReading` starts during the check, on an input that yields nothing
 * until the check passed (and fails with its error when it does not). An unencrypted backup is also
 * offered as a `DecodedPipe` (context.pipe), which waits for the check the same way.
 */
export async function restoreBackup<Target>(
  options: RestoreOptions<Target>,
): Promise<RestoreOutcome & { readonly manifest: BackupManifest }> {
  const { engine, store, project, service, id } = options;
  const manifest = checkEngine(await readManifest(store, project, service, id), engine.kind);
  const base = { id, ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}) };
  const withPipe = (path: () => Promise<string>) => ({
    ...base,
    pipe: async (from: number) => decodedPipe(await path(), manifest, from),
  });
  const decoded = (path: string) => openDecoded(path, manifest, options.identities ?? []);
  if (!engine.inspectsBeforeReading) {
    const outcome = await withVerifiedCopy(store, manifest, options.tmpDir, async (path) => {
      const input = await decoded(path);
      try {
        return await engine.restore(
          input,
          options.target,
          withPipe(async () => path),
        );
      } finally {
        input.destroy();
      }
    });
    return { ...outcome, manifest };
  }
  let checked!: (path: string) => void;
  let failed!: (error: unknown) => void;
  const verifiedPath = awaitedLater(
    new Promise<string>((resolve, reject) => {
      checked = resolve;
      failed = reject;
    }),
  );
  const input = openedOnRead(async () => decoded(await verifiedPath));
  const restoring = awaitedLater(
    engine.restore(
      input,
      options.target,
      withPipe(() => verifiedPath),
    ),
  );
  try {
    const outcome = await withVerifiedCopy(store, manifest, options.tmpDir, (path) => {
      checked(path);
      return restoring;
    });
    return { ...outcome, manifest };
  } catch (error) {
    failed(error);
    await restoring.catch(() => {});
    throw error;
  } finally {
    input.destroy();
  }
}

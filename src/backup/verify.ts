import { performance } from "node:perf_hooks";
import { readManifest, writeManifest } from "./catalog.js";
import type { BackupEngine } from "./engine.js";
import { BackupError } from "./errors.js";
import { checkEngine, type VerifyResult } from "./manifest.js";
import { openDecoded } from "./pipeline/decode.js";
import { decodedPipe } from "./pipeline/decoded-pipe.js";
import { withVerifiedCopy } from "./pipeline/fetch-verified.js";
import type { BackupStore } from "./store.js";

/** Which backup to prove restorable. */
export interface VerifyOptions {
  readonly engine: BackupEngine<unknown>;
  readonly store: BackupStore;
  readonly project: string;
  readonly service: string;
  readonly id: string;
  /** age identities for encrypted backups. Default none. */
  readonly identities?: readonly string[];
  /** The user's check (`x-slipway.backups.verify_check`): SQL for postgres, a shell command otherwise. */
  readonly check?: string;
  /** Write the result into the backup's manifest (retention trusts it). Default true. */
  readonly record?: boolean;
  readonly tmpDir?: string;
  /** Clock. Default the system's. */
  readonly now?: () => Date;
}

/** Failures that say the backup itself is bad: recorded as a failed verification, not thrown. */
const VERDICTS = new Set(["E_BACKUP_CHECKSUM", "E_BACKUP_CORRUPT", "E_BACKUP_RESTORE", "E_BACKUP_NOT_FOUND"]);

/**
 * Proves a backup restores: a verified download, then the engine restores it into a scratch target
 * (postgres `<db>_verify_<id>`, a scratch redis-server, a temporary directory), compares it with what
 * the manifest recorded, runs the user's check, and removes the scratch target. A damaged backup is
 * a result with `ok: false` and the error's code; a missing identity, a bad setting or a server that
 * cannot be reached throws (that says nothing about the backup).
 */
export async function verifyBackup(options: VerifyOptions): Promise<VerifyResult> {
  const { engine, store, project, service, id } = options;
  const manifest = checkEngine(await readManifest(store, project, service, id), engine.kind);
  const started = performance.now();
  const checkedAt = (options.now ?? (() => new Date()))().toISOString();
  let ok: boolean;
  let details: VerifyResult["details"];
  try {
    const outcome = await withVerifiedCopy(store, manifest, options.tmpDir, async (path) => {
      const input = await openDecoded(path, manifest, options.identities ?? []);
      try {
        return await engine.verify(input, {
          id,
          contents: manifest.contents,
          ...(options.check !== undefined ? { check: options.check } : {}),
          ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
          pipe: (from: number) => decodedPipe(path, manifest, from),
        });
      } finally {
        input.destroy();
      }
    });
    ok = outcome.ok;
    details = { checks: [...outcome.checks] };
  } catch (error) {
    if (!(error instanceof BackupError) || !VERDICTS.has(error.code)) throw error;
    ok = false;
    details = { checks: [], error: { code: error.code, message: error.message } };
  }
  const result: VerifyResult = {
    ok,
    checkedAt,
    durationMs: Math.round(performance.now() - started),
    details,
  };
  if (options.record ?? true) await writeManifest(store, { ...manifest, verify: result });
  return result;
}

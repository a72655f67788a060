import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import type { UnixIdentity } from "../../../host/users.js";
import type {
  BackupEngine,
  CheckResult,
  Connection,
  EngineDump,
  RestoreContext,
  RestoreOutcome,
  VerifyContext,
  VerifyOutcome,
} from "../../engine.js";
import { BackupError, messageOf } from "../../errors.js";
import { resolveRunAs } from "../run-as.js";
import { runTool } from "../tool-process.js";
import { extractInto, packDirectory, type RootEntry } from "./tar-stream.js";
import { compareTrees, type TreeStats, treeStats } from "./tree-stats.js";

/** Where a volume backup is restored. */
export interface VolumeRestoreTarget {
  /** Directory to restore into. Default: the directory that was backed up. */
  readonly dir?: string;
  /** Replace a directory that is not empty. Default false. */
  readonly force?: boolean;
}

/**
 * Backs up a directory (a volume) as a tar stream. A restore extracts into a staging directory
 * beside the target and renames it into place, so a failed restore changes nothing. Stop the
 * service that writes the directory first: a live directory is copied file by file, not as a snapshot.
 */
export class VolumeBackupEngine implements BackupEngine<VolumeRestoreTarget> {
  readonly kind = "volume";
  readonly description: string;
  private readonly dir: string;
  private readonly runAs: UnixIdentity | undefined;

  constructor(connection: Connection) {
    if (connection.dataDir === undefined) {
      throw new BackupError("E_BACKUP_CONFIG", "a volume backup needs the directory to back up (dataDir)");
    }
    this.dir = resolve(connection.dataDir);
    this.runAs = resolveRunAs(connection.runAs);
    this.description = `volume ${this.dir}`;
  }

  async toolVersions(): Promise<Readonly<Record<string, string>>> {
    const tar = createRequire(import.meta.url)("tar/package.json") as { version: string };
    return { "node-tar": tar.version, node: process.versions.node };
  }

  async dump(): Promise<EngineDump> {
    if (!existsSync(this.dir)) throw new BackupError("E_BACKUP_TOOL", `${this.dir} does not exist`);
    const { stream, stats } = packDirectory(this.dir);
    const contents = new Promise<TreeStats>((resolve, reject) => {
      stream.once("end", () => resolve(stats()));
      stream.once("error", reject);
      stream.once("close", () =>
        reject(new BackupError("E_BACKUP_TOOL", `packing ${this.dir} stopped early`)),
      );
    });
    contents.catch(() => {});
    return { stream, contents: contents.then((tree) => ({ ...tree })) };
  }

  async restore(
    input: Readable,
    target: VolumeRestoreTarget,
    context: RestoreContext,
  ): Promise<RestoreOutcome> {
    const dir = resolve(target.dir ?? this.dir);
    if (existsSync(dir) && (await readdir(dir)).length > 0 && !target.force) {
      throw new BackupError(
        "E_BACKUP_TARGET_NOT_EMPTY",
        `${dir} is not empty`,
        "restore into an empty or new directory, or pass force to replace it",
      );
    }
    await mkdir(dirname(dir), { recursive: true });
    const staging = join(dirname(dir), `.${basename(dir)}.restore-${context.id}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { mode: 0o700 });
    try {
      await applyRoot(staging, await extractInto(input, staging));
      if (!existsSync(dir)) {
        await rename(staging, dir);
        return { restoredTo: dir, notes: [] };
      }
      const old = join(dirname(dir), `.${basename(dir)}.old-${context.id}`);
      await rename(dir, old);
      await rename(staging, dir).catch(async (error: unknown) => {
        await rename(old, dir);
        throw error;
      });
      await rm(old, { recursive: true, force: true });
      return { restoredTo: dir, notes: ["the previous contents were replaced"] };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (error instanceof BackupError) throw error;
      throw new BackupError(
        "E_BACKUP_RESTORE",
        `restoring ${dir} failed; it is unchanged: ${messageOf(error)}`,
        undefined,
        { cause: error },
      );
    }
  }

  async verify(input: Readable, context: VerifyContext): Promise<VerifyOutcome> {
    const expected = recordedTree(context.contents);
    const dir = await mkdtemp(join(context.tmpDir ?? tmpdir(), "slipway-volume-verify-"));
    try {
      await extractInto(input, dir).catch((error: unknown) => {
        if (error instanceof BackupError) throw error;
        throw new BackupError("E_BACKUP_RESTORE", `extracting the archive failed: ${messageOf(error)}`);
      });
      const checks: CheckResult[] = [{ name: "restore", ok: true, message: `extracted into ${dir}` }];
      checks.push(compareTrees(expected, await treeStats(dir)));
      if (context.check !== undefined) {
        checks.push(
          await runTool("/bin/sh", ["-c", context.check], {
            cwd: dir,
            env: { SLIPWAY_RESTORED_DIR: dir },
            runAs: this.runAs,
          }).then(
            () => ({ name: "user check", ok: true, message: "the check command succeeded" }),
            (error: unknown) => ({ name: "user check", ok: false, message: messageOf(error) }),
          ),
        );
      }
      return { ok: checks.every((check) => check.ok), checks };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

async function applyRoot(dir: string, root: RootEntry | undefined): Promise<void> {
  if (!root) return;
  await chmod(dir, root.mode & 0o7777);
  if (process.getuid?.() === 0 && root.uid >= 0 && root.gid >= 0) await chown(dir, root.uid, root.gid);
}

function recordedTree(contents: Readonly<Record<string, unknown>>): TreeStats {
  const { files, directories, symlinks, bytes } = contents;
  if (![files, directories, symlinks, bytes].every(Number.isInteger)) {
    throw new BackupError("E_BACKUP_CORRUPT", "the manifest has no file counts to verify against");
  }
  return { files, directories, symlinks, bytes } as TreeStats;
}

import { createWriteStream } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { BackupError, messageOf } from "../../errors.js";
import { feedTool, startTool } from "../tool-process.js";
import { pgRestoreArgs } from "./argv.js";
import { type PgConnection, pgEnv, pgTool } from "./connection.js";

/** Parallel jobs for the post-data section: one per core, at most 4 (a few indexes per table at once). */
export const postDataJobs = () => Math.min(4, availableParallelism());

/** A pass-through that also writes every chunk to `file`, pausing while the file's buffer is full. */
function keptIn(file: ReturnType<typeof createWriteStream>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (file.write(chunk)) done(null, chunk);
      else file.once("drain", () => done(null, chunk));
    },
    flush(done) {
      file.end(() => done());
    },
  });
}

/**
 * Restores a pg_dump custom-format stream into a new, empty `database` in two steps. First the
 * schema and the data straight from the stream (decoding overlaps the restore, as with
 * `gunzip | pg_restore`), while the stream is also written to a temporary file in `tmpDir`; then
 * the post-data section (indexes, constraints, triggers) with `pg_restore --jobs` from that file:
 * building the indexes is most of a restore's work after the data, and the builds run in parallel.
 * A failure of either step is `E_BACKUP_RESTORE`; a damaged input keeps its own code.
 */
export async function restoreInSections(
  connection: PgConnection,
  database: string,
  dump: Readable,
  failure: string,
  tmpDir: string | undefined,
  jobs = postDataJobs(),
): Promise<void> {
  const dir = await mkdtemp(join(tmpDir ?? tmpdir(), "slipway-pg-restore-"));
  const options = { env: pgEnv(connection), runAs: connection.runAs };
  const tool = (args: string[]) => startTool(pgTool("pg_restore"), args, options);
  const asFailure = (error: unknown) => {
    if (error instanceof BackupError && error.code !== "E_BACKUP_TOOL") throw error;
    throw new BackupError("E_BACKUP_RESTORE", `${failure}: ${messageOf(error)}`, undefined, { cause: error });
  };
  try {
    const file = join(dir, "dump.pgcustom");
    const copy = createWriteStream(file, { mode: 0o600 });
    const copied = new Promise<void>((resolve, reject) => {
      copy.once("close", resolve);
      copy.once("error", reject);
    });
    const tee = keptIn(copy);
    dump.once("error", (error) => tee.destroy(error));
    copy.once("error", (error) => tee.destroy(error));
    await feedTool(
      tool(pgRestoreArgs(connection, database, { sections: ["pre-data", "data"] })),
      dump.pipe(tee),
    ).catch(asFailure);
    await copied.catch(asFailure);
    // The tool may run as another user (postgres): the file and its private directory become its own.
    if (connection.runAs) {
      await chown(dir, connection.runAs.uid, connection.runAs.gid);
      await chown(file, connection.runAs.uid, connection.runAs.gid);
    }
    const postData = tool([...pgRestoreArgs(connection, database, { sections: ["post-data"], jobs }), file]);
    postData.child.stdin?.end();
    await postData.exited.catch(asFailure);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

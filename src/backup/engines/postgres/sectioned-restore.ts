import { createWriteStream } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { BackupError, messageOf } from "../../errors.js";
import { feedTool, runTool, startTool } from "../tool-process.js";
import { pgRestoreArgs } from "./argv.js";
import { type PgConnection, pgEnv, pgTool } from "./connection.js";

/** Parallel jobs for the post-data section by default: one per core, at most 4. */
const postDataJobs = () => Math.min(4, availableParallelism());

/** The kept head is first checked at this size, then at 4 ×, 16 × … until its table of contents is whole. */
const FIRST_CHECK = 1024 * 1024;

/**
 * A pass-through that also writes the head of the stream to `file`: growing until `tocComplete`
 * (asked at 1 MB, 4 MB, 16 MB …, while the stream flows on) says the table of contents of the
 * pg_dump archive is all in it, or the whole stream when it never says so. Writing pauses the stream
 * while the file's buffer is full; `kept` settles once the file is closed.
 */
export function keptHead(
  file: ReturnType<typeof createWriteStream>,
  tocComplete: () => Promise<boolean>,
): { tee: Transform; kept: Promise<void> } {
  let size = 0;
  let nextCheck = FIRST_CHECK;
  let complete = false;
  let checking: Promise<void> | undefined;
  const kept = new Promise<void>((resolve, reject) => {
    file.once("close", resolve);
    file.once("error", reject);
  });
  kept.catch(() => {});
  const close = () => {
    if (!file.writableEnded) file.end();
  };
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (complete) return done(null, chunk);
      size += chunk.length;
      if (size >= nextCheck && checking === undefined) {
        nextCheck *= 4;
        checking = tocComplete().then(
          (whole) => {
            checking = undefined;
            if (whole) {
              complete = true;
              close();
            }
          },
          () => {
            checking = undefined;
          },
        );
      }
      if (file.write(chunk)) return done(null, chunk);
      // A file closed meanwhile (its head is complete) emits no "drain".
      const resume = () => {
        file.off("drain", resume);
        file.off("close", resume);
        done(null, chunk);
      };
      file.once("drain", resume);
      file.once("close", resume);
    },
    flush(done) {
      void Promise.resolve(checking).then(() => {
        close();
        done();
      });
    },
  });
  file.once("error", (error) => tee.destroy(error));
  return { tee, kept };
}

/**
 * Restores a pg_dump custom-format stream into a new, empty `database` in two steps. First the
 * schema and the data straight from the stream (decoding overlaps the restore, as with
 * `gunzip | pg_restore`), while the head of the stream (its table of contents, usually well under
 * a megabyte; the whole stream at worst) is kept in a temporary file in `tmpDir`; then the
 * post-data section (indexes, constraints, triggers: statements in the table of contents, no data)
 * with `pg_restore --jobs` from that file, the index builds running in parallel. A failure of either
 * step is `E_BACKUP_RESTORE`; a damaged input keeps its own code.
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
  const file = join(dir, "head.pgcustom");
  const copy = createWriteStream(file, { mode: 0o600 });
  try {
    await new Promise((resolve, reject) => copy.once("open", resolve).once("error", reject));
    // The tools may run as another user (postgres): the file and its private directory become its own.
    if (connection.runAs) {
      await chown(dir, connection.runAs.uid, connection.runAs.gid);
      await chown(file, connection.runAs.uid, connection.runAs.gid);
    }
    // `pg_restore --list` fails on a file that ends inside the table of contents.
    const tocComplete = () =>
      runTool(pgTool("pg_restore"), ["--list", "--file=/dev/null", file], options).then(
        () => true,
        () => false,
      );
    const { tee, kept } = keptHead(copy, tocComplete);
    dump.once("error", (error) => tee.destroy(error));
    await feedTool(
      tool(pgRestoreArgs(connection, database, { sections: ["pre-data", "data"] })),
      dump.pipe(tee),
    ).catch(asFailure);
    await kept.catch(asFailure);
    const postData = tool([...pgRestoreArgs(connection, database, { sections: ["post-data"], jobs }), file]);
    postData.child.stdin?.end();
    await postData.exited.catch(asFailure);
  } finally {
    copy.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

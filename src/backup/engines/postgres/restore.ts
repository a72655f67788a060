import type { Readable } from "node:stream";
import type { DecodedPipe, RestoreContext, RestoreOutcome } from "../../engine.js";
import { BackupError, messageOf } from "../../errors.js";
import { awaitedLater, feedTool, startTool } from "../tool-process.js";
import { archivePrefix, readArchive } from "./archive.js";
import { pgRestoreArgs } from "./argv.js";
import { type PgConnection, pgEnv, pgTool } from "./connection.js";
import { missingRolesScript } from "./globals.js";
import { PsqlSession, psqlRun } from "./psql.js";
import { maintenanceDatabase, scratchDatabaseName } from "./scratch.js";
import { restoreInSections } from "./sectioned-restore.js";
import {
  allowConnectionsSql,
  createDatabaseLikeSql,
  dropDatabaseSql,
  inspectQuery,
  renameDatabaseSql,
  swapDatabasesSql,
} from "./sql.js";

/** Where and how a PostgreSQL backup is restored. */
export interface PostgresRestoreTarget {
  /** Database to restore into. Default: the connection's database, which the restored copy replaces. */
  readonly database?: string;
  /**
   * `swap`: restore into a scratch database, then rename it into place in one transaction (sessions
   * on the old database are ended). `in-place`: pg_restore --clean --if-exists in one transaction.
   * Either way a failure leaves the database as it was. Default `swap`.
   */
  readonly mode?: "swap" | "in-place";
  /** `missing-roles` creates the roles this server lacks (with their passwords); `skip` leaves roles alone. Default `missing-roles`. */
  readonly roles?: "missing-roles" | "skip";
  /** Replace `database` when it exists and is not the connection's own database. Default false. */
  readonly force?: boolean;
  /** Keep the replaced database as `<name>_pre_<id>` instead of dropping it. Default false. */
  readonly keepPrevious?: boolean;
  /**
   * 1: one pg_restore straight from the stream, as `gunzip | pg_restore` does. N > 1: schema and
   * data from the stream, then indexes and constraints with `pg_restore --jobs=N` (see
   * sectioned-restore.ts). Default 1: on the 2-core machine of bench/backup, the second pg_restore
   * and its connections cost more than the parallel index builds gave (bench/RESULTS.md).
   */
  readonly jobs?: number;
}

/**
 * Restores an archive (see archive.ts) into a database without ever leaving it half-restored. The
 * statements before pg_restore (inspect the server, create missing roles, create the scratch
 * database) share one psql session, closed before pg_restore starts: a connection left idle through
 * a long restore could be ended by the server or the network before the rename.
 */
export async function restorePostgres(
  connection: PgConnection,
  input: Readable,
  target: PostgresRestoreTarget,
  context: RestoreContext,
): Promise<RestoreOutcome> {
  const name = target.database ?? connection.database;
  const admin = maintenanceDatabase(name);
  const session = PsqlSession.open(connection, admin);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(session, connection, name, input, target, context);
  } finally {
    await session.close();
  }
  const { exists, notes, dump, globals, scratch } = prepared;
  const place = `database ${name} on ${connection.host}:${connection.port}`;
  if (scratch === undefined) {
    const source = await dumpSource(input, dump, globals, context);
    await runPgRestore(connection, name, source, true, `restoring ${place} in place failed; it is unchanged`);
    return { restoredTo: place, notes };
  }
  try {
    const failure = `restoring into scratch database ${scratch} failed; ${name} is unchanged`;
    const jobs = target.jobs ?? 1;
    if (jobs > 1) await restoreInSections(connection, scratch, dump, failure, context.tmpDir, jobs);
    else
      await runPgRestore(
        connection,
        scratch,
        await dumpSource(input, dump, globals, context),
        false,
        failure,
      );
    if (!exists) {
      await psqlRun(connection, admin, renameDatabaseSql(scratch, name));
      return { restoredTo: place, notes };
    }
    const previous = scratchDatabaseName(name, "pre", context.id);
    await psqlRun(connection, admin, swapDatabasesSql(name, scratch, previous)).catch(
      async (error: unknown) => {
        await psqlRun(connection, admin, allowConnectionsSql(name)).catch(() => {});
        throw new BackupError(
          "E_BACKUP_RESTORE",
          `swapping ${scratch} into ${name} failed; ${name} is unchanged: ${messageOf(error)}`,
        );
      },
    );
    notes.push("sessions on the old database were ended; clients reconnect to the restored one");
    if (target.keepPrevious) notes.push(`the replaced database was kept as ${previous}`);
    else {
      await psqlRun(connection, admin, dropDatabaseSql(previous)).catch((error: unknown) => {
        notes.push(`the replaced database ${previous} could not be dropped: ${messageOf(error)}`);
      });
    }
    return { restoredTo: place, notes };
  } catch (error) {
    await psqlRun(connection, admin, dropDatabaseSql(scratch)).catch(() => {});
    throw error;
  }
}

/** Everything before pg_restore, in one session: checks, (unless in place) the empty scratch database, missing roles. */
async function prepare(
  session: PsqlSession,
  connection: PgConnection,
  name: string,
  input: Readable,
  target: PostgresRestoreTarget,
  context: RestoreContext,
): Promise<{ exists: boolean; notes: string[]; dump: Readable; globals: Buffer; scratch?: string }> {
  // The archive's first bytes arrive only once the backup passed its check; its head is decoded
  // while the server is inspected and the scratch database created.
  const archive = awaitedLater(readArchive(input));
  const server = JSON.parse((await session.query(inspectQuery(name))).trim()) as {
    exists: boolean;
    roles: string[];
  };
  if (server.exists && name !== connection.database && !target.force) {
    throw new BackupError(
      "E_BACKUP_TARGET_NOT_EMPTY",
      `database ${name} already exists on ${connection.host}:${connection.port}`,
      "choose a new database name, or pass force to replace it",
    );
  }
  // The empty scratch database is created while the backup may still be being checked (it holds
  // nothing from the backup); it is dropped when the check, or anything after it, fails.
  const scratch =
    target.mode === "in-place" && server.exists
      ? undefined
      : scratchDatabaseName(name, "restore", context.id);
  if (scratch !== undefined) {
    await session.query(createDatabaseLikeSql(scratch, server.exists ? name : connection.database));
  }
  try {
    const { globals, dump } = await archive;
    const notes: string[] = [];
    if ((target.roles ?? "missing-roles") === "missing-roles") {
      const script = missingRolesScript(globals.toString("utf8"), new Set(server.roles));
      if (/^(CREATE|ALTER|GRANT) /m.test(script)) {
        await session.query(script).catch((error: unknown) => {
          throw new BackupError("E_BACKUP_RESTORE", `recreating missing roles failed: ${messageOf(error)}`);
        });
        notes.push("created the roles this server lacked");
      }
    }
    return { exists: server.exists, notes, dump, globals, ...(scratch !== undefined ? { scratch } : {}) };
  } catch (error) {
    if (scratch !== undefined) {
      await psqlRun(connection, maintenanceDatabase(name), dropDatabaseSql(scratch)).catch(() => {});
    }
    throw error;
  }
}

/** The pg_dump bytes for pg_restore: through Node (`stream`), or straight from the decoder processes (`pipe`). */
export type DumpSource = { readonly stream: Readable } | { readonly pipe: DecodedPipe };

/**
 * The dump that follows the archive's head: from the decoder processes when the backup offers them
 * (`context.pipe`; the Node stream that delivered the head is then closed), else `dump`.
 */
export async function dumpSource(
  input: Readable,
  dump: Readable,
  globals: Buffer,
  context: Pick<RestoreContext, "pipe">,
): Promise<DumpSource> {
  const pipe = await context.pipe?.(archivePrefix(globals).length);
  if (pipe === undefined) return { stream: dump };
  dump.destroy();
  input.destroy();
  return { pipe };
}

/**
 * Runs pg_restore on a dump; a tool failure becomes `E_BACKUP_RESTORE`, a damaged input keeps its
 * own code. From a pipe, the restore counts only when the decoders also decoded to the end: a
 * pg_restore that stops reading early (`cut`) fails it, as a failed decoder does.
 */
export async function runPgRestore(
  connection: PgConnection,
  database: string,
  source: DumpSource,
  clean: boolean,
  failure: string,
  dataOnlyOwnership = false,
): Promise<void> {
  const tool = startTool(
    pgTool("pg_restore"),
    pgRestoreArgs(connection, database, { clean, dataOnlyOwnership }),
    {
      env: pgEnv(connection),
      runAs: connection.runAs,
      ...("pipe" in source ? { stdin: source.pipe.start() } : {}),
    },
  );
  const asFailure = (error: unknown): never => {
    if (error instanceof BackupError && error.code !== "E_BACKUP_TOOL") throw error;
    throw new BackupError("E_BACKUP_RESTORE", `${failure}: ${messageOf(error)}`, undefined, { cause: error });
  };
  if ("stream" in source) {
    await feedTool(tool, source.stream).catch(asFailure);
    return;
  }
  try {
    const [restored, decoded] = await Promise.allSettled([tool.exited, source.pipe.done]);
    // A backup that does not decode explains pg_restore's failure better than pg_restore does.
    const corrupt =
      decoded.status === "rejected" && (decoded.reason as BackupError).code === "E_BACKUP_CORRUPT";
    if (corrupt) throw decoded.reason;
    if (restored.status === "rejected") asFailure(restored.reason);
    if (decoded.status === "rejected") asFailure(decoded.reason);
    if (decoded.status === "fulfilled" && decoded.value === "cut") {
      asFailure(new Error("pg_restore ended before it had read the whole backup"));
    }
  } finally {
    source.pipe.stop();
  }
}

import type { Readable } from "node:stream";
import type { CheckResult, VerifyContext, VerifyOutcome } from "../../engine.js";
import { BackupError, messageOf } from "../../errors.js";
import { readArchive } from "./archive.js";
import type { PgConnection } from "./connection.js";
import { PsqlSession, psqlRun } from "./psql.js";
import { dumpSource, runPgRestore } from "./restore.js";
import { maintenanceDatabase, scratchDatabaseName } from "./scratch.js";
import { countRowsQuery, createDatabaseLikeSql, dropDatabaseSql, TABLES_QUERY } from "./sql.js";

/**
 * Restores into `<db>_verify_<id>` on the same server, compares every table's row count with the
 * counts recorded at backup time, runs the user's SQL check there, and drops the database.
 */
export async function verifyPostgres(
  connection: PgConnection,
  input: Readable,
  context: VerifyContext,
): Promise<VerifyOutcome> {
  const expected = recordedCounts(context.contents);
  const scratch = scratchDatabaseName(connection.database, "verify", context.id);
  const admin = maintenanceDatabase(scratch);
  const { globals, dump } = await readArchive(input);
  await psqlRun(connection, admin, createDatabaseLikeSql(scratch, connection.database));
  const checks: CheckResult[] = [];
  try {
    const source = await dumpSource(input, dump, globals, context);
    await runPgRestore(connection, scratch, source, false, `pg_restore into ${scratch} failed`, true);
    checks.push({ name: "restore", ok: true, message: `restored into scratch database ${scratch}` });
    // One session for the counts and then the user's check (whose error ends the session).
    const session = PsqlSession.open(connection, scratch);
    try {
      const tables = JSON.parse(await session.query(TABLES_QUERY)) as string[];
      checks.push(compareCounts(expected, JSON.parse(await session.query(countRowsQuery(tables))) ?? {}));
      if (context.check !== undefined) {
        checks.push(
          await session.query(context.check).then(
            () => ({ name: "user check", ok: true, message: "the check query succeeded" }),
            (error: unknown) => ({ name: "user check", ok: false, message: messageOf(error) }),
          ),
        );
      }
    } finally {
      await session.close();
    }
  } catch (error) {
    if (!(error instanceof BackupError) || error.code !== "E_BACKUP_RESTORE") throw error;
    checks.push({ name: "restore", ok: false, message: error.message });
  } finally {
    await psqlRun(connection, admin, dropDatabaseSql(scratch)).catch(() => {});
  }
  return { ok: checks.every((check) => check.ok), checks };
}

function recordedCounts(contents: Readonly<Record<string, unknown>>): Readonly<Record<string, number>> {
  const tables = contents.tables;
  if (
    typeof tables !== "object" ||
    tables === null ||
    !Object.values(tables).every((n) => Number.isInteger(n))
  ) {
    throw new BackupError("E_BACKUP_CORRUPT", "the manifest has no per-table row counts to verify against");
  }
  return tables as Record<string, number>;
}

/** The row-count check: the same tables with the same numbers of rows. */
export function compareCounts(
  expected: Readonly<Record<string, number>>,
  actual: Readonly<Record<string, number>>,
): CheckResult {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(expected)) {
    const found = actual[table];
    if (found === undefined) problems.push(`${table} is missing`);
    else if (found !== rows) problems.push(`${table} has ${found} rows, ${rows} were backed up`);
  }
  for (const table of Object.keys(actual)) {
    if (!(table in expected)) problems.push(`${table} was not in the backup`);
  }
  const total = Object.values(expected).reduce((sum, rows) => sum + rows, 0);
  return problems.length === 0
    ? {
        name: "row counts",
        ok: true,
        message: `${Object.keys(expected).length} tables, ${total} rows, as backed up`,
      }
    : { name: "row counts", ok: false, message: problems.slice(0, 10).join("; ") };
}

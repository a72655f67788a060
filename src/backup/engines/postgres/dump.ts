import { Readable } from "node:stream";
import type { EngineDump } from "../../engine.js";
import { awaitedLater, runTool, startTool, toolChunks } from "../tool-process.js";
import { archivePrefix } from "./archive.js";
import { pgDumpArgs, pgDumpallGlobalsArgs } from "./argv.js";
import { type PgConnection, pgEnv, pgTool } from "./connection.js";
import { PsqlSession } from "./psql.js";
import { countRowsQuery, type DatabaseInfo, DUMP_SESSION_QUERY, TABLES_QUERY } from "./sql.js";

/** What a PostgreSQL backup records about its database. */
export interface PostgresContents {
  [key: string]: unknown;
  /** Rows per table (`"public.users": 5000`), counted in the very snapshot pg_dump dumped. */
  readonly tables: Readonly<Record<string, number>>;
  readonly database: DatabaseInfo;
  /** Whether role passwords are in the globals (only a superuser can read them). */
  readonly rolePasswords: boolean;
  readonly serverVersion: string;
}

/**
 * Dumps the roles and one database. A REPEATABLE READ transaction exports its snapshot to pg_dump
 * and counts every table's rows in that same snapshot, so the counts describe exactly what was dumped.
 */
export async function dumpPostgres(connection: PgConnection, compressLevel: number): Promise<EngineDump> {
  const session = PsqlSession.open(connection, connection.database);
  try {
    const facts = JSON.parse(
      await session.query(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n${DUMP_SESSION_QUERY}`),
    ) as { snapshot: string; server: string; superuser: boolean; database: DatabaseInfo };
    const { snapshot, database } = facts;
    const options = { env: pgEnv(connection), runAs: connection.runAs };
    const globals = awaitedLater(
      runTool(pgTool("pg_dumpall"), pgDumpallGlobalsArgs(connection, facts.superuser), options),
    );
    const pgDump = startTool(pgTool("pg_dump"), pgDumpArgs(connection, snapshot, compressLevel), options);
    const tables = (async () => {
      const names = JSON.parse(await session.query(TABLES_QUERY)) as string[];
      return JSON.parse(await session.query(countRowsQuery(names))) as Record<string, number>;
    })();
    const dumped = pgDump.exited.finally(() => session.close());
    const contents = awaitedLater(
      Promise.all([tables, dumped]).then(
        ([counted]): PostgresContents => ({
          tables: counted,
          database,
          rolePasswords: facts.superuser,
          serverVersion: facts.server,
        }),
      ),
    );
    async function* archive(): AsyncGenerator<Buffer> {
      yield archivePrefix(Buffer.from(await globals));
      yield* toolChunks(pgDump);
    }
    const stream = Readable.from(archive(), { objectMode: false });
    // Ended, failed, or destroyed before it was ever read: pg_dump and the snapshot's session stop.
    stream.once("close", () => {
      if (pgDump.child.exitCode === null && pgDump.child.signalCode === null) pgDump.child.kill("SIGTERM");
      void session.close();
    });
    return { stream, contents };
  } catch (error) {
    await session.close();
    throw error;
  }
}

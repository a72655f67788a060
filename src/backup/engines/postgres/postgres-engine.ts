import type { Readable } from "node:stream";
import type {
  BackupEngine,
  Connection,
  EngineDump,
  RestoreContext,
  RestoreOutcome,
  VerifyContext,
  VerifyOutcome,
} from "../../engine.js";
import { programVersion } from "../tool-process.js";
import { type PgConnection, pgConnection, pgTool } from "./connection.js";
import { dumpPostgres } from "./dump.js";
import { type PostgresRestoreTarget, restorePostgres } from "./restore.js";
import { verifyPostgres } from "./verify.js";

/** Tuning of the PostgreSQL engine. */
export interface PostgresEngineOptions {
  /**
   * pg_dump's own compression level (0–9). The pipeline compresses the whole stream anyway, so
   * compressing twice only costs time. Default 0.
   */
  readonly dumpCompression?: number;
}

/**
 * Backs up one PostgreSQL database and the cluster's roles: `pg_dumpall --globals-only` and
 * `pg_dump --format=custom` streamed from stdout, inside one snapshot whose row counts are recorded.
 */
export class PostgresBackupEngine implements BackupEngine<PostgresRestoreTarget> {
  readonly kind = "postgres";
  /** `restore` only connects and inspects the server before it reads the archive. */
  readonly inspectsBeforeReading = true;
  readonly description: string;
  private readonly connection: PgConnection;

  constructor(
    connection: Connection,
    private readonly options: PostgresEngineOptions = {},
  ) {
    this.connection = pgConnection(connection);
    this.description = `postgres ${this.connection.database}@${this.connection.host}:${this.connection.port}`;
  }

  /** Client tool versions; the server's version is in each backup's contents (`serverVersion`). */
  async toolVersions(): Promise<Readonly<Record<string, string>>> {
    const [pgDump, pgRestore] = await Promise.all([
      programVersion(pgTool("pg_dump")),
      programVersion(pgTool("pg_restore")),
    ]);
    return { pg_dump: pgDump, pg_restore: pgRestore };
  }

  dump(): Promise<EngineDump> {
    return dumpPostgres(this.connection, this.options.dumpCompression ?? 0);
  }

  restore(input: Readable, target: PostgresRestoreTarget, context: RestoreContext): Promise<RestoreOutcome> {
    return restorePostgres(this.connection, input, target, context);
  }

  verify(input: Readable, context: VerifyContext): Promise<VerifyOutcome> {
    return verifyPostgres(this.connection, input, context);
  }
}

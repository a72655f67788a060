import { conninfo, type PgConnection } from "./connection.js";

/** `pg_dump` of one database in custom format to stdout, inside an exported snapshot. */
export function pgDumpArgs(
  connection: PgConnection,
  snapshot: string | undefined,
  compressLevel: number,
  lockWaitSeconds = 300,
): string[] {
  return [
    "--format=custom",
    `--compress=${compressLevel}`,
    "--no-password",
    // A table locked exclusively (a long migration) fails the backup instead of hanging it.
    `--lock-wait-timeout=${lockWaitSeconds}s`,
    ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    `--dbname=${conninfo(connection, connection.database)}`,
  ];
}

/** `pg_dumpall --globals-only` (roles, memberships, tablespaces) to stdout. */
export function pgDumpallGlobalsArgs(connection: PgConnection, withPasswords: boolean): string[] {
  return [
    "--globals-only",
    "--no-password",
    ...(withPasswords ? [] : ["--no-role-passwords"]),
    `--dbname=${conninfo(connection, connection.database)}`,
  ];
}

/** How pg_restore applies an archive. */
export interface PgRestoreMode {
  /** Drop each object before recreating it, inside one transaction (restore in place). Default false. */
  readonly clean?: boolean;
  /** Leave ownership and privileges out (a verification copy checks data, not roles). Default false. */
  readonly dataOnlyOwnership?: boolean;
  /** Only these sections (`pre-data`, `data`, `post-data`). Default all. */
  readonly sections?: readonly ("pre-data" | "data" | "post-data")[];
  /** Parallel jobs (`-j`; the archive must then be a file, given after the options). Default 1. */
  readonly jobs?: number;
}

/** `pg_restore` of a custom-format archive (from stdin, or a file the caller appends) into `database`, stopping at the first error. */
export function pgRestoreArgs(
  connection: PgConnection,
  database: string,
  mode: PgRestoreMode = {},
): string[] {
  return [
    "--exit-on-error",
    "--no-password",
    ...(mode.clean ? ["--clean", "--if-exists", "--single-transaction"] : []),
    ...(mode.dataOnlyOwnership ? ["--no-owner", "--no-privileges"] : []),
    ...(mode.sections ?? []).map((section) => `--section=${section}`),
    ...(mode.jobs !== undefined && mode.jobs > 1 ? [`--jobs=${mode.jobs}`] : []),
    `--dbname=${conninfo(connection, database)}`,
  ];
}

/** `psql` running a script from stdin, quiet, without ~/.psqlrc, stopping at the first error. */
export function psqlArgs(connection: PgConnection, database: string): string[] {
  return [
    "--no-psqlrc",
    "--quiet",
    "--tuples-only",
    "--no-align",
    "--no-password",
    "--set=ON_ERROR_STOP=1",
    `--dbname=${conninfo(connection, database)}`,
  ];
}

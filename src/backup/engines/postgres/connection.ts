import { findBinary } from "../../../host/binaries.js";
import type { UnixIdentity } from "../../../host/users.js";
import type { Connection } from "../../engine.js";
import { BackupError } from "../../errors.js";
import { resolveRunAs } from "../run-as.js";

const HINT =
  "install the PostgreSQL client tools (apt-get install postgresql-client) of the server's version or newer";

/** A PostgreSQL connection with every default filled in. */
export interface PgConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly runAs: UnixIdentity | undefined;
}

/** Fills in defaults and checks the fields a PostgreSQL engine needs. */
export function pgConnection(connection: Connection): PgConnection {
  const user = connection.user ?? "postgres";
  const port = connection.port ?? 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BackupError("E_BACKUP_CONFIG", `postgres port ${port} is not a TCP port`);
  }
  return {
    host: connection.host ?? "127.0.0.1",
    port,
    user,
    password: connection.password,
    database: connection.database ?? user,
    runAs: resolveRunAs(connection.runAs),
  };
}

/** A libpq conninfo string, so that no database name is ever mistaken for an option or a conninfo. */
export function conninfo(connection: PgConnection, database: string): string {
  const quote = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return [
    `host=${quote(connection.host)}`,
    `port=${connection.port}`,
    `user=${quote(connection.user)}`,
    `dbname=${quote(database)}`,
    "application_name=slipway-backup",
    "connect_timeout=10",
  ].join(" ");
}

/** Environment of every PostgreSQL tool: the password travels here, never in argv. */
export function pgEnv(connection: PgConnection): Record<string, string> {
  return connection.password === undefined ? {} : { PGPASSWORD: connection.password };
}

/** Path of a PostgreSQL client program (the newest installed version first). */
export function pgTool(name: "pg_dump" | "pg_dumpall" | "pg_restore" | "psql"): string {
  return findBinary(name, HINT);
}

/** `"name"`: an SQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'`: an SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `name` cut to at most `bytes` UTF-8 bytes without splitting a character (identifiers are limited to 63). */
export function truncateBytes(name: string, bytes: number): string {
  let out = name;
  while (Buffer.byteLength(out) > bytes) out = out.slice(0, -1);
  return out;
}

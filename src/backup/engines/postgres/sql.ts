import { quoteIdent, quoteLiteral } from "./connection.js";

/** The tables whose rows a backup records: ordinary tables (and partitions), not catalogs nor extension-owned ones. */
export const TABLES_QUERY = `SELECT coalesce(json_agg(name ORDER BY name), '[]') FROM (
  SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
) t`;

/** One query counting the rows of every table; returns `{ "schema.table": count }`. */
export function countRowsQuery(tables: readonly string[]): string {
  if (tables.length === 0) return "SELECT '{}'::json";
  const parts = tables.map((table) => `SELECT ${quoteLiteral(table)} AS t, count(*) AS n FROM ${table}`);
  return `SELECT json_object_agg(t, n) FROM (\n${parts.join("\nUNION ALL\n")}\n) counts`;
}

/** Properties a restored database is created with. */
export interface DatabaseInfo {
  readonly owner: string;
  readonly encoding: string;
  readonly collate: string;
  readonly ctype: string;
}

/** Run first in the dump's transaction: its exported snapshot and facts about the server and database. */
export const DUMP_SESSION_QUERY = `SELECT json_build_object(
  'snapshot', pg_export_snapshot(),
  'server', current_setting('server_version'),
  'superuser', (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
  'database', (SELECT json_build_object('owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding),
    'collate', datcollate, 'ctype', datctype) FROM pg_database WHERE datname = current_database()))`;

/**
 * A psql script that (re)creates `name` empty from template0 with the owner, encoding and collation
 * of `like` (plain defaults when `like` does not exist), in one round trip thanks to `\gexec`.
 */
export function createDatabaseLikeSql(name: string, like: string): string {
  const n = quoteLiteral(name);
  return `${dropDatabaseSql(name)}
SELECT format('CREATE DATABASE %I TEMPLATE template0 OWNER %I ENCODING %L LC_COLLATE %L LC_CTYPE %L',
  ${n}, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype)
  FROM pg_database WHERE datname = ${quoteLiteral(like)}
UNION ALL SELECT format('CREATE DATABASE %I TEMPLATE template0', ${n})
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(like)})
\\gexec
`;
}

/** Whether `database` exists, and the roles of the server. */
export function inspectQuery(database: string): string {
  return `SELECT json_build_object(
  'exists', EXISTS (SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(database)}),
  'roles', (SELECT json_agg(rolname) FROM pg_roles))`;
}

export function dropDatabaseSql(name: string): string {
  return `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE);`;
}

/**
 * Puts `scratch` in the place of `target` in one transaction: new connections to `target` are
 * refused, existing ones ended (clients reconnect to the restored data), then both renames commit
 * together. The old database stays as `previous`.
 */
export function swapDatabasesSql(target: string, scratch: string, previous: string): string {
  const t = quoteIdent(target);
  const busy = `SELECT 1 FROM pg_stat_activity WHERE datname = ${quoteLiteral(target)} AND pid <> pg_backend_pid()`;
  return `ALTER DATABASE ${t} ALLOW_CONNECTIONS false;
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ${quoteLiteral(target)} AND pid <> pg_backend_pid();
DO $$ BEGIN
  FOR i IN 1..200 LOOP
    EXIT WHEN NOT EXISTS (${busy});
    PERFORM pg_sleep(0.05);
  END LOOP;
END $$;
BEGIN;
ALTER DATABASE ${t} RENAME TO ${quoteIdent(previous)};
ALTER DATABASE ${quoteIdent(scratch)} RENAME TO ${t};
COMMIT;
ALTER DATABASE ${quoteIdent(previous)} ALLOW_CONNECTIONS true;
`;
}

/** Undoes the first step of a swap that failed before its renames committed. */
export function allowConnectionsSql(database: string): string {
  return `ALTER DATABASE ${quoteIdent(database)} ALLOW_CONNECTIONS true;`;
}

export function renameDatabaseSql(from: string, to: string): string {
  return `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)};`;
}

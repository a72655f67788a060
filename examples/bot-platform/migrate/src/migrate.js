// One-shot migration job. Applies migrations/NNN_name.sql in file-name order, each inside its own
// transaction, and records it in `schema_migrations`. Running it again applies only what is new, so
// it is safe to run before every release. Exit 0: the schema is up to date. Exit 1: it is not, and
// the message says which file failed and why.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";

// DB_PASSWORD_FILE (the `db_password` Compose secret's file) puts the password into DATABASE_URL.
if (process.env.DB_PASSWORD_FILE && process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.password = readFileSync(process.env.DB_PASSWORD_FILE, "utf8").replace(/\n+$/, "");
  process.env.DATABASE_URL = url.toString();
}

const MIGRATIONS_DIR = resolve(process.env.MIGRATIONS_DIR ?? join(import.meta.dirname, "..", "migrations"));
const CONNECT_TIMEOUT_MS = Number(process.env.MIGRATE_CONNECT_TIMEOUT_MS ?? 30_000);
const FILE_NAME = /^(\d+)_[\w.-]+\.sql$/;
// Any constant works; it only has to be the same for every copy of this job.
const LOCK_ID = 7_305_114;

class MigrationError extends Error {}

function log(message) {
  console.log(`[migrate] ${message}`);
}

/** The migration files, sorted by their numeric prefix. */
async function migrationFiles() {
  let names;
  try {
    names = await readdir(MIGRATIONS_DIR);
  } catch (error) {
    throw new MigrationError(`cannot read the migrations directory ${MIGRATIONS_DIR}: ${error.message}`);
  }
  const files = [];
  for (const name of names) {
    if (!name.endsWith(".sql")) continue;
    const match = FILE_NAME.exec(name);
    if (!match) throw new MigrationError(`${name}: a migration file is named NNN_description.sql`);
    const sql = await readFile(join(MIGRATIONS_DIR, name), "utf8");
    files.push({
      name,
      number: Number(match[1]),
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  files.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
  for (let i = 1; i < files.length; i++) {
    if (files[i].number === files[i - 1].number) {
      throw new MigrationError(`${files[i - 1].name} and ${files[i].name} have the same number`);
    }
  }
  return files;
}

/** Connects, retrying while the database is still starting. */
async function connect() {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({
      connectionString: process.env.DATABASE_URL,
      connectionTimeoutMillis: 5000,
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      // A wrong password or user does not fix itself by waiting.
      if (String(error.code).startsWith("28") || Date.now() > deadline) {
        throw new MigrationError(`cannot connect to PostgreSQL: ${error.message}`);
      }
      log(`waiting for PostgreSQL (${error.message})`);
      await new Promise((done) => setTimeout(done, 1000));
    }
  }
}

/** "at line 3" for an error that PostgreSQL located in the file, else "". */
function where(error, sql) {
  const position = Number(error.position);
  if (!position) return "";
  return ` (at line ${sql.slice(0, position - 1).split("\n").length})`;
}

async function migrate() {
  if (!process.env.DATABASE_URL) throw new MigrationError("DATABASE_URL is not set");
  const files = await migrationFiles();
  const client = await connect();
  try {
    // Two copies of this job (two releases started at once) must not apply the same file twice.
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query("SELECT version, checksum FROM schema_migrations");
    const applied = new Map(rows.map((row) => [row.version, row.checksum]));

    for (const version of applied.keys()) {
      if (!files.some((file) => file.name === version)) {
        log(`warning: ${version} is recorded as applied but its file is gone`);
      }
    }

    let count = 0;
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (checksum !== undefined) {
        if (checksum !== file.checksum) {
          throw new MigrationError(
            `${file.name} was changed after it was applied; add a new migration instead of editing it`,
          );
        }
        continue;
      }
      const started = Date.now();
      try {
        await client.query("BEGIN");
        await client.query(file.sql);
        await client.query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", [
          file.name,
          file.checksum,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw new MigrationError(
          `${file.name} failed${where(error, file.sql)}: ${error.message}; it was rolled back`,
        );
      }
      count++;
      log(`applied ${file.name} in ${Date.now() - started} ms`);
    }
    log(
      count === 0
        ? `nothing to apply: all ${files.length} migrations are applied`
        : `applied ${count} of ${files.length} migrations; the schema is up to date`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

try {
  await migrate();
} catch (error) {
  console.error(`[migrate] error: ${error instanceof MigrationError ? error.message : error.stack}`);
  process.exitCode = 1;
}

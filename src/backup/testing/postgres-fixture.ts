import type { PostgresServer } from "./postgres-server.js";

/** Tables of the fixture, with their primary key, and the rows each gets. */
export const FIXTURE_TABLES = {
  "public.users": 5000,
  "public.blobs": 2000,
  "public.events": 8000,
  'game."Scores"': 3000,
} as const;

const SCHEMA = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reporter') THEN
    CREATE ROLE reporter LOGIN PASSWORD 'reporter-secret';
  END IF;
END $$;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, profile jsonb, created_at timestamptz);
INSERT INTO users (name, email, profile, created_at)
  SELECT 'user ' || i, 'u' || i || '@example.test',
    jsonb_build_object('age', i % 90, 'tags', jsonb_build_array('a', i % 7), 'quote', 'it''s "q" ' || i, 'ü', '→'),
    timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes'
  FROM generate_series(1, 5000) i;
CREATE TABLE blobs (id int PRIMARY KEY, data bytea NOT NULL, note text);
INSERT INTO blobs
  SELECT i, decode(md5(i::text) || md5((i * 7)::text), 'hex') || '\\x00ff00'::bytea,
    CASE WHEN i % 3 = 0 THEN NULL ELSE E'line\\nbreak\\t' || i END
  FROM generate_series(1, 2000) i;
CREATE TABLE events (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), kind text,
  payload json, amount numeric(12,2), tags text[]);
INSERT INTO events (user_id, kind, payload, amount, tags)
  SELECT 1 + (i % 5000), (ARRAY['login','buy','logout'])[1 + i % 3], json_build_object('n', i, 'f', i / 7.0),
    (i * 13 % 100000) / 100.0, ARRAY['t' || (i % 11), 'x']
  FROM generate_series(1, 8000) i;
CREATE INDEX events_user ON events (user_id);
CREATE SCHEMA game;
CREATE TABLE game."Scores" (id int PRIMARY KEY, score double precision, at date, meta jsonb);
INSERT INTO game."Scores" SELECT i, i * 1.5, date '2024-01-01' + (i % 365), jsonb_build_object('i', i) FROM generate_series(1, 3000) i;
ALTER TABLE game."Scores" OWNER TO reporter;
GRANT SELECT ON users TO reporter;
CREATE VIEW big_spenders AS SELECT user_id, sum(amount) AS total FROM events GROUP BY user_id;
`;

const templates = new WeakMap<PostgresServer, Promise<void>>();

/**
 * Creates `database` holding the fixture: several tables, thousands of rows, JSON, bytea, arrays,
 * a second schema, a role owning a table. Loaded once per server, then copied as a template.
 */
export async function createFixtureDatabase(server: PostgresServer, database: string): Promise<void> {
  let template = templates.get(server);
  if (template === undefined) {
    template = server
      .sql("postgres", "CREATE DATABASE fixture_template;")
      .then(() => server.sql("fixture_template", SCHEMA))
      .then(() => {});
    templates.set(server, template);
  }
  await template;
  await server.sql("postgres", `CREATE DATABASE "${database}" TEMPLATE fixture_template;`);
}

/** An md5 per table over all its rows in primary-key order: equal checksums mean equal contents. */
export async function tableChecksums(
  server: PostgresServer,
  database: string,
): Promise<Record<string, string>> {
  const parts = Object.keys(FIXTURE_TABLES).map(
    (table) =>
      `SELECT '${table.replaceAll("'", "''")}' AS t, coalesce(md5(string_agg(r::text, ',' ORDER BY id)), 'empty') AS h FROM ${table} r`,
  );
  const out = await server.sql(
    database,
    `SELECT json_object_agg(t, h) FROM (${parts.join(" UNION ALL ")}) s;`,
  );
  return JSON.parse(out.trim()) as Record<string, string>;
}

/** Databases whose name contains `part` (to prove scratch databases were cleaned up). */
export async function databasesLike(server: PostgresServer, part: string): Promise<string[]> {
  const out = await server.sql(
    "postgres",
    `SELECT datname FROM pg_database WHERE datname LIKE '%${part}%' ORDER BY 1;`,
  );
  return out.split("\n").filter(Boolean);
}

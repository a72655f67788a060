/**
 * bench/backup: slipway's PostgreSQL backup against the classic one-liner, on the same database in one run.
 *  - generates a ~200 MB database (generate_series; BENCH_SCALE=0.25 for a quick run) on a private server
 *  - backup: slipway's runBackup (pg_dump -Fc -Z0 → zstd (gzip where the machine has no zstd) → sha256 →
 *    LocalStore) vs `pg_dump -Fc | gzip > file`,
 *    alternated, 3 rounds each, medians compared (target: slipway ≥ 0.9 × the baseline's throughput)
 *  - restore: slipway's restoreBackup (sha256 of the stored object, scratch database, rename) vs
 *    `gunzip | pg_restore` of the baseline's own backup, and `zstd -dc | pg_restore` of slipway's object
 *    (the same dump, the same decoder), alternated,
 *    9 rounds each (BENCH_RESTORE_ROUNDS), load average recorded; target: the median of the per-round
 *    ratios ≥ 1.0 against both baselines
 * Exits 1 when either target is missed.
 * Everything it starts (server, files) is removed at the end, also on failure.
 * Run: npm run bench -- backup
 */
import { spawn } from "node:child_process";
import { chownSync, copyFileSync, createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { runBackup } from "../src/backup/backup.js";
import { archivePrefix, readArchive } from "../src/backup/engines/postgres/archive.js";
import { conninfo, pgConnection, pgTool } from "../src/backup/engines/postgres/connection.js";
import { PostgresBackupEngine } from "../src/backup/engines/postgres/postgres-engine.js";
import { compressionSuffix, decompressor } from "../src/backup/pipeline/compression.js";
import { restoreBackup } from "../src/backup/restore.js";
import { LocalStore } from "../src/backup/stores/local/local-store.js";
import { type PostgresServer, startPostgresServer } from "../src/backup/testing/postgres-server.js";
import { resolveUser } from "../src/host/users.js";

const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const ROUNDS = 3;
const RESTORE_ROUNDS = Number(process.env.BENCH_RESTORE_ROUNDS ?? "9");
const MB = 1024 * 1024;
const n = (rows: number) => Math.max(1000, Math.round(rows * SCALE));

const GENERATE = `
CREATE TABLE users (id int PRIMARY KEY, name text, email text, bio text, created_at timestamptz);
INSERT INTO users SELECT i, 'user ' || i, 'u' || i || '@example.test', repeat(md5(i::text), 4),
  timestamptz '2024-01-01' + i * interval '1 minute' FROM generate_series(1, ${n(150_000)}) i;
CREATE TABLE events (id bigint PRIMARY KEY, user_id int, kind text, at timestamptz, amount numeric(12,2), payload jsonb);
INSERT INTO events SELECT i, 1 + i % ${n(150_000)}, (ARRAY['login','buy','view','logout'])[1 + i % 4],
  timestamptz '2024-01-01' + i * interval '7 seconds', (i % 100000) / 100.0,
  jsonb_build_object('session', md5(i::text), 'page', i % 97, 'ref', md5((i * 3)::text))
  FROM generate_series(1, ${n(650_000)}) i;
CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
INSERT INTO blobs SELECT i, decode(string_agg(md5((i * 1000 + j)::text), ''), 'hex')
  FROM generate_series(1, ${n(25_000)}) i, generate_series(1, 64) j GROUP BY i;
CREATE INDEX events_user ON events (user_id);
VACUUM ANALYZE;
`;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (value: number, digits = 1) => value.toFixed(digits);

/** Runs a shell pipeline as the unix user postgres; resolves with its wall time in seconds. */
async function timedShell(script: string, env: Record<string, string>): Promise<number> {
  const user = resolveUser("postgres");
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn("/bin/bash", ["-c", `set -euo pipefail; ${script}`], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
      cwd: "/",
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`)),
    );
  });
  return (performance.now() - started) / 1000;
}

async function main(pg: PostgresServer, work: string): Promise<boolean> {
  const connection = pgConnection({ ...pg.connection, database: "bench" });
  const env = { PGPASSWORD: connection.password ?? "" };
  const info = (dbname: string) => `'${conninfo(connection, dbname)}'`;

  console.log(`generating the database (BENCH_SCALE=${SCALE}) …`);
  await pg.sql("postgres", "CREATE DATABASE bench;");
  await pg.sql("bench", GENERATE);
  const dbBytes = Number((await pg.sql("bench", "SELECT pg_database_size('bench');")).trim());
  console.log(`database: ${fmt(dbBytes / MB)} MB (pg_database_size)`);

  const baselineFile = join(work, "baseline.dump.gz");
  const baselineCmd = `${pgTool("pg_dump")} -Fc --no-password --dbname=${info("bench")} | gzip > ${baselineFile}`;
  const store = new LocalStore(join(work, "store"));
  const engine = new PostgresBackupEngine({ ...pg.connection, database: "bench" });
  const runSlipway = async (options: { recipients?: string[]; engine?: PostgresBackupEngine } = {}) => {
    const started = performance.now();
    const manifest = await runBackup({
      engine: options.engine ?? engine,
      store,
      project: "bench",
      service: "db",
      recipients: options.recipients ?? [],
    });
    return { seconds: (performance.now() - started) / 1000, manifest };
  };

  // Warm the page cache for both the same way, then alternate.
  await timedShell(`${pgTool("pg_dump")} -Fc --no-password --dbname=${info("bench")} > /dev/null`, env);
  const baseline: number[] = [];
  const slipway: number[] = [];
  let last = await runSlipway();
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(await timedShell(baselineCmd, env));
    last = await runSlipway();
    slipway.push(last.seconds);
  }
  const baselineRaw = Number(
    await new Promise<string>((resolve) => {
      const child = spawn("/bin/sh", ["-c", `gzip -dc ${baselineFile} | wc -c`]);
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.once("exit", () => resolve(out.trim()));
    }),
  );
  const baselineStored = statSync(baselineFile).size;
  const b = median(baseline);
  const s = median(slipway);
  const line = (name: string, seconds: number, raw: number, stored: number) =>
    console.log(
      `${name.padEnd(44)} ${fmt(seconds, 2).padStart(6)} s   ${fmt(dbBytes / MB / seconds).padStart(6)} MB/s of database   raw ${fmt(raw / MB).padStart(6)} MB at ${fmt(raw / MB / seconds).padStart(6)} MB/s   stored ${fmt(stored / MB)} MB`,
    );
  console.log(
    `\nbackup (median of ${ROUNDS}; baseline runs ${baseline.map((x) => fmt(x, 2)).join("/")} s, slipway ${slipway.map((x) => fmt(x, 2)).join("/")} s)`,
  );
  line("baseline  pg_dump -Fc | gzip > file", b, baselineRaw, baselineStored);
  line(
    `slipway   pg_dump -Fc -Z0 → ${last.manifest.compression} → sha256`,
    s,
    last.manifest.sizes.raw,
    last.manifest.sizes.stored,
  );

  const doubled = await runSlipway({
    engine: new PostgresBackupEngine({ ...pg.connection, database: "bench" }, { dumpCompression: 6 }),
  });
  line(
    "slipway   pg_dump -Fc -Z6 → zstd (doubly compressed)",
    doubled.seconds,
    doubled.manifest.sizes.raw,
    doubled.manifest.sizes.stored,
  );
  const identity = await generateX25519Identity();
  const encrypted = await runSlipway({ recipients: [await identityToRecipient(identity)] });
  line(
    "slipway   … → zstd → age (X25519) → sha256",
    encrypted.seconds,
    encrypted.manifest.sizes.raw,
    encrypted.manifest.sizes.stored,
  );

  // The raw dumps differ (slipway skips pg_dump's own compression), so the ratio compares the time
  // each takes to back up the same database: throughput in MB of database per second.
  const ratio = b / s;
  console.log(`\nthroughput ratio slipway / baseline: ${fmt(ratio, 2)}  (target ≥ 0.9)`);

  // Restore into a new database, RESTORE_ROUNDS rounds, the three alternated (the first of each round
  // rotates), every restored database dropped before the next run (not timed). Like slipway's restore,
  // each baseline creates its database. Two baselines, both unencrypted like slipway's timed restore:
  //  - classic: restore of the baseline's own backup of the same database (`pg_dump -Fc | gzip`);
  //  - same bytes: `pg_restore` of slipway's stored object (`zstd -dc | tail -c +N` skips the roles
  //    section), so both restore the very same dump.
  // The target is judged on the median of the per-round ratios, against each baseline.
  const object = join(work, `slipway-object${compressionSuffix(last.manifest.compression)}`);
  const decodeCmd = last.manifest.compression === "zstd" ? "zstd -dc" : "gzip -dc";
  copyFileSync((await store.localFile?.(last.manifest.object)) ?? "", object);
  if (postgresUser) chownSync(object, postgresUser.uid, postgresUser.gid);
  const decoded = createReadStream(object).pipe(decompressor(last.manifest.compression));
  const skip = archivePrefix((await readArchive(decoded)).globals).length + 1;
  decoded.destroy();
  const createdb = (name: string) =>
    `${pgTool("psql")} --no-psqlrc --quiet --no-password --dbname=${info("postgres")} -c 'CREATE DATABASE ${name}'`;
  const pgRestore = (name: string) =>
    `${pgTool("pg_restore")} --exit-on-error --no-password --dbname=${info(name)}`;
  const restores: Record<"classic" | "same" | "slipway" | "sectioned", number[]> = {
    classic: [],
    same: [],
    slipway: [],
    sectioned: [],
  };
  const loads: number[] = [];
  const contenders: Record<keyof typeof restores, () => Promise<number>> = {
    classic: () =>
      timedShell(`${createdb("r_classic")} && gzip -dc ${baselineFile} | ${pgRestore("r_classic")}`, env),
    same: () =>
      timedShell(
        `${createdb("r_same")} && ${decodeCmd} ${object} | tail -c +${skip} | ${pgRestore("r_same")}`,
        env,
      ),
    slipway: async () => {
      const started = performance.now();
      await restoreBackup({
        ...restoreOf(last.manifest.id),
        target: { database: "r_slipway" },
        tmpDir: work,
      });
      return (performance.now() - started) / 1000;
    },
    // Not part of the target: `jobs: 2`, the indexes built by `pg_restore --jobs` after the data.
    sectioned: async () => {
      const started = performance.now();
      await restoreBackup({
        ...restoreOf(last.manifest.id),
        target: { database: "r_sectioned", jobs: 2 },
        tmpDir: work,
      });
      return (performance.now() - started) / 1000;
    },
  };
  const restoreOf = (id: string) => ({ engine, store, project: "bench", service: "db", id });
  const order = Object.keys(contenders) as (keyof typeof restores)[];
  for (let round = 0; round < RESTORE_ROUNDS; round++) {
    for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
      restores[name].push(await contenders[name]());
      loads.push(loadavg()[0] ?? 0);
      if (name !== "slipway" || round < RESTORE_ROUNDS - 1)
        await pg.sql("postgres", `DROP DATABASE r_${name};`);
    }
  }
  const encryptedStarted = performance.now();
  await restoreBackup({
    ...restoreOf(encrypted.manifest.id),
    target: { database: "r_encrypted" },
    identities: [identity],
    tmpDir: work,
  });
  const encryptedRestore = (performance.now() - encryptedStarted) / 1000;
  const same = await pg.sql(
    "r_slipway",
    "SELECT (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM blobs);",
  );
  const runs = (values: number[]) => values.map((x) => fmt(x, 2)).join("/");
  const perRound = (baseline: number[]) =>
    median(baseline.map((b, i) => b / (restores.slipway[i] ?? Number.NaN)));
  const classicRatio = perRound(restores.classic);
  const sameRatio = perRound(restores.same);
  const row = (label: string, values: number[]) =>
    console.log(`${label.padEnd(52)} ${fmt(median(values), 2).padStart(6)} s   (${runs(values)})`);
  console.log(
    `\nrestore into a new database, unencrypted (median of ${RESTORE_ROUNDS}, alternated; load average ${fmt(Math.min(...loads))}–${fmt(Math.max(...loads))})`,
  );
  row("baseline  createdb; gzip -dc own backup | pg_restore", restores.classic);
  row(`baseline  createdb; ${decodeCmd} slipway's object | tail | pg_restore`, restores.same);
  row("slipway   restoreBackup (sha256 first, scratch → rename)", restores.slipway);
  row("slipway   restoreBackup, jobs: 2 (not part of the target)", restores.sectioned);
  console.log(`          rows events/users/blobs ${same.trim()}`);
  console.log(`slipway   restoreBackup, encrypted (not part of the target) ${fmt(encryptedRestore, 2)} s`);
  console.log(
    `restore ratio (baseline time / slipway time, median of per-round ratios): classic ${fmt(classicRatio, 2)}, same bytes ${fmt(sameRatio, 2)}  (target ≥ 1.0 against both)`,
  );
  const restoreRatio = Math.min(classicRatio, sameRatio);
  return ratio >= 0.9 && restoreRatio >= 1.0;
}

const work = mkdtempSync(join(tmpdir(), "slipway-bench-backup-"));
const postgresUser = resolveUser("postgres");
if (postgresUser) chownSync(work, postgresUser.uid, postgresUser.gid);
const pg = await startPostgresServer({ fast: false });
let ok = false;
try {
  ok = await main(pg, work);
} finally {
  await pg.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);

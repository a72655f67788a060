import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../src/host/binaries.js";
import type { CliResult } from "./cli.js";
import { eventually, finished, Sandbox } from "./sandbox.js";

/**
 * Backups on the process target with real PostgreSQL and Redis: `backup run/list/verify/restore/prune`,
 * a damaged backup refused with a coded error, a backup before a migration that
 * `rollback --restore-data` restores, and schedules run by the agent (6-field crons, in seconds).
 */

const PSQL = findBinary("psql", "install postgresql-client");
const REDIS_CLI = findBinary("redis-cli", "install redis-tools");
const PG = { PGUSER: "app", PGPASSWORD: "secret", PGDATABASE: "shop", PGHOST: "127.0.0.1" };

const compose = `name: \${E2E_PROJECT}
services:
  db:
    image: postgres:16
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: shop }
    volumes: [dbdata:/var/lib/postgresql/data]
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U app -d shop"], interval: 1s, retries: 60 }
    x-slipway:
      backups:
        verify_check: "select count(*) from items"
        retention: { keep_last: 1, daily: 0, weekly: 0, monthly: 0 }
  cache:
    image: redis:7
    volumes: [cachedata:/data]
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1s, retries: 3 }
    x-slipway:
      backups: { before_migrate: false }
  api:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["3000"]
    environment: { APP_VERSION: "\${API_VERSION:-1}" }
    depends_on: { db: { condition: service_healthy } }
    x-slipway:
      migrate: "\${MIGRATE:-true}"
volumes: { dbdata: {}, cachedata: {} }
`;

interface BackupRow {
  id: string;
  service: string;
  engine: string;
  verified: "ok" | "failed" | null;
  object: string;
}

const json = <T>(result: CliResult): T => {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  }
};

const errorCode = (result: CliResult) => json<{ error: { code: string } }>(result).error.code;

describe("slipway backup with PostgreSQL and Redis", { timeout: 300_000 }, () => {
  // Created when the tests run (not when a filtered run only collects them); removed even when they fail.
  let s: Sandbox;
  afterAll(() => s?.cleanup(), 120_000);

  // Ports change only when an instance is replaced (a Redis restore restarts it): read them then.
  const ports = new Map<string, number>();
  const refreshPorts = async () => {
    ports.clear();
    for (const i of (await s.ps()).instances)
      if (i.state === "healthy" && i.port) ports.set(i.service, i.port);
  };
  const port = async (service: string) => {
    if (!ports.has(service)) await refreshPorts();
    const found = ports.get(service);
    if (!found) throw new Error(`${service} has no healthy instance`);
    return found;
  };
  const sql = async (query: string, database = PG.PGDATABASE) =>
    execFileSync(PSQL, ["-At", "-v", "ON_ERROR_STOP=1", "-p", String(await port("db")), "-c", query], {
      env: { ...process.env, ...PG, PGDATABASE: database },
      encoding: "utf8",
    }).trim();
  const redis = async (...args: string[]) =>
    execFileSync(REDIS_CLI, ["-p", String(await port("cache")), "--raw", ...args], {
      encoding: "utf8",
    }).trim();
  const rowsChecksum = () =>
    sql("select count(*) || ':' || md5(string_agg(id || '/' || name, ',' order by id)) from items");
  const keys = async () => {
    const names = (await redis("KEYS", "*")).split("\n").filter(Boolean).sort();
    return Promise.all(names.map(async (k) => `${k}=${await redis("GET", k)}`));
  };
  const list = async () =>
    json<{ backups: BackupRow[]; failures: unknown[] }>(await s.cli(["backup", "list", "--json"]));

  let original = "";
  let originalKeys: string[] = [];
  let dbBackup = "";
  let cacheBackup = "";

  beforeAll(async () => {
    s = new Sandbox();
    // PostgreSQL runs as the `postgres` user: it must reach its data directory under the sandbox.
    chmodSync(s.root, 0o755);
    s.copyApp("web", "app");
    s.write({ "compose.yaml": compose });
    const deploy = await s.cli(["deploy", "--json"], {}, 240_000);
    expect(finished(deploy.stdout).status, deploy.stdout + deploy.stderr).toBe("succeeded");
    await sql("create table items (id int primary key, name text not null)");
    await sql("insert into items select i, 'item ' || md5(i::text) from generate_series(1, 500) i");
    await redis(
      "MSET",
      ...Array.from({ length: 20 }, (_, i) => [`key:${i}`, `value ${i} ${"x".repeat(i)}`]).flat(),
    );
    original = await rowsChecksum();
    originalKeys = await keys();
  }, 300_000);

  it("backs up, lists, verifies, and restores the data after it was destroyed", async () => {
    const run = await s.cli(["backup", "run", "--json"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const taken = json<{ backups: BackupRow[] }>(run).backups;
    expect(taken.map((b) => b.service).sort()).toEqual(["cache", "db"]);
    dbBackup = taken.find((b) => b.service === "db")!.id;
    cacheBackup = taken.find((b) => b.service === "cache")!.id;
    expect((await list()).backups.map((b) => b.id)).toEqual(expect.arrayContaining([dbBackup, cacheBackup]));

    for (const id of [dbBackup, cacheBackup]) {
      const verify = await s.cli(["backup", "verify", id, "--json"]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(json<{ ok: boolean }>(verify).ok).toBe(true);
    }
    expect(
      (await list()).backups.filter((b) => [dbBackup, cacheBackup].includes(b.id)).map((b) => b.verified),
    ).toEqual(["ok", "ok"]);

    await sql("drop table items");
    await redis("FLUSHALL");

    // No terminal and no --yes: refused, nothing changed.
    const refused = await s.cli(["backup", "restore", dbBackup, "--json"]);
    expect(refused.code).toBe(2);
    expect(errorCode(refused)).toBe("E_CONFIRMATION_REQUIRED");
    expect(await sql("select to_regclass('items') is null")).toBe("t");

    const restoreDb = await s.cli(["backup", "restore", dbBackup, "--yes", "--json"]);
    expect(restoreDb.code, restoreDb.stdout + restoreDb.stderr).toBe(0);
    expect(await rowsChecksum()).toBe(original);

    const restoreCache = await s.cli(["backup", "restore", cacheBackup, "--yes", "--json"]);
    expect(restoreCache.code, restoreCache.stdout + restoreCache.stderr).toBe(0);
    await eventually("cache back up", async () => {
      await refreshPorts();
      return ports.has("cache");
    });
    expect(await keys()).toEqual(originalKeys);
    // Restarted under its old id on a new port, it is probed there (not on the old port: unhealthy in 3 s).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await s.ps()).instances.find((i) => i.service === "cache")?.state).toBe("healthy");

    // Into a new database, next to the live one.
    const copy = await s.cli(["backup", "restore", dbBackup, "--to", "shop_copy", "--yes"]);
    expect(copy.code, copy.stdout + copy.stderr).toBe(0);
    expect(await sql("select count(*) from items", "shop_copy")).toBe("500");
  });

  it("refuses a truncated or altered backup with a coded error and changes nothing", async () => {
    const row = (await list()).backups.find((b) => b.id === dbBackup)!;
    const file = join(s.home, "backups", row.object);
    const size = readFileSync(file).length;
    truncateSync(file, Math.floor(size / 2));
    await sql("insert into items values (9999, 'after the backup')");
    const before = await rowsChecksum();

    const verify = await s.cli(["backup", "verify", dbBackup, "--json"]);
    expect(verify.code).toBe(1);
    expect(errorCode(verify)).toBe("E_BACKUP_CHECKSUM");
    const restore = await s.cli(["backup", "restore", dbBackup, "--yes", "--json"]);
    expect(restore.code).toBe(1);
    expect(errorCode(restore)).toBe("E_BACKUP_CHECKSUM");
    expect(await rowsChecksum()).toBe(before);
    // The failures show in the listing.
    const listed = await list();
    expect(listed.backups.find((b) => b.id === dbBackup)?.verified).toBe("failed");
    expect(JSON.stringify(listed.failures)).toContain("E_BACKUP_CHECKSUM");
    await sql("delete from items where id = 9999");
  });

  it("plans retention with --dry-run without deleting anything", async () => {
    await s.cli(["backup", "run", "db"]);
    const before = (await list()).backups.filter((b) => b.service === "db").map((b) => b.id);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const dry = await s.cli(["backup", "prune", "--dry-run", "--json"]);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    const plan = json<{
      dryRun: boolean;
      services: { service: string; delete: string[]; keep: { id: string }[] }[];
    }>(dry);
    expect(plan.dryRun).toBe(true);
    const db = plan.services.find((p) => p.service === "db")!;
    expect(db.keep.map((k) => k.id)).toContain(before[0]);
    expect(db.delete.length).toBeGreaterThan(0);
    expect((await list()).backups.filter((b) => b.service === "db").map((b) => b.id)).toEqual(before);
  });

  it("backs up before a migration, and rollback --restore-data brings the data back", async () => {
    const v2 = {
      API_VERSION: "2",
      MIGRATE: "psql postgres://app:secret@db:5432/shop -c 'delete from items where id > 10'",
    };
    const deploy = await s.cli(["deploy", "--json"], v2, 240_000);
    expect(finished(deploy.stdout).status, deploy.stdout + deploy.stderr).toBe("succeeded");
    const backedUp = /backed up db before migrating: (\S+)"/.exec(deploy.stdout)?.[1];
    expect(backedUp).toBeDefined();
    expect(await sql("select count(*) from items")).toBe("10");
    const releases = (await s.releases()).releases as unknown as { preMigrationBackups: unknown[] }[];
    expect(releases[0]?.preMigrationBackups).toEqual([{ service: "db", id: backedUp }]);

    const refused = await s.cli(["rollback", "--restore-data", "--json"], v2);
    expect(refused.code).toBe(2);
    expect(errorCode(refused)).toBe("E_CONFIRMATION_REQUIRED");
    expect(await sql("select count(*) from items")).toBe("10");

    const rollback = await s.cli(["rollback", "--restore-data", "--yes", "--json"], v2, 240_000);
    expect(finished(rollback.stdout).status, rollback.stdout + rollback.stderr).toBe("succeeded");
    expect(rollback.stdout).toContain(`restored db from ${backedUp}`);
    expect(await rowsChecksum()).toBe(original);
  });
});

describe("backup schedules in the agent, encrypted to an age recipient", { timeout: 240_000 }, () => {
  // One per attempt (the e2e project retries once), all removed at the end.
  const used: Sandbox[] = [];
  const compose = (recipient: string) => `name: \${E2E_PROJECT}
x-slipway:
  backups:
    recipients: ["${recipient}"]
services:
  cache:
    image: redis:7
    volumes: [cachedata:/data]
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1s, retries: 60 }
    x-slipway:
      backups:
        schedule: "*/2 * * * * *"
        verify: "*/5 * * * * *"
        retention: { keep_last: 2, daily: 0, weekly: 0, monthly: 0 }
volumes: { cachedata: {} }
`;
  afterAll(() => Promise.all(used.map((sandbox) => sandbox.cleanup())), 120_000);

  it("backs up and verifies on 6-field crons with the agent's identity, and applies retention", async () => {
    const s = new Sandbox();
    used.push(s);
    const keyFile = join(s.root, "backup-key.txt");
    const identity = await generateX25519Identity();
    writeFileSync(keyFile, `# test key\n${identity}\n`);
    s.write({ "compose.yaml": compose(await identityToRecipient(identity)) });
    // The agent starts with the first command and keeps its environment: scheduled verifications use it.
    const deploy = await s.cli(["deploy", "--json"], { SLIPWAY_BACKUP_IDENTITY: keyFile }, 120_000);
    expect(finished(deploy.stdout).status, deploy.stdout + deploy.stderr).toBe("succeeded");
    const list = async () =>
      (JSON.parse((await s.cli(["backup", "list", "--json"])).stdout) as { backups: BackupRow[] }).backups;
    const verified = await eventually(
      "a scheduled backup that verified",
      async () => (await list()).find((b) => b.verified === "ok"),
      60_000,
      1000,
    );
    expect(verified).toMatchObject({ encrypted: true, service: "cache" });
    // Retention runs after each turn: never more than keep_last plus the newest verified one.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await list()).length).toBeLessThanOrEqual(3);

    // `down` stops the schedules (retention would otherwise delete what we look at next).
    expect(await s.cli(["down"])).toMatchObject({ code: 0 });
    // By hand: without the identity the backup cannot be read; with --identity it verifies.
    const newest = (await list())[0]!.id;
    const locked = await s.cli(["backup", "verify", newest, "--json"]);
    expect(locked.code).toBe(1);
    expect(errorCode(locked)).toBe("E_BACKUP_DECRYPT");
    const opened = await s.cli(["backup", "verify", newest, "--identity", keyFile, "--json"]);
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    const badKey = await s.cli(["backup", "verify", newest, "--identity", join(s.root, "missing"), "--json"]);
    expect(badKey.code).toBe(2);
    expect(errorCode(badKey)).toBe("E_BACKUP_IDENTITY");
  });
});

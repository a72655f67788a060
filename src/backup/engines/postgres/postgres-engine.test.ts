import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../../backup.js";
import { readManifest } from "../../catalog.js";
import { restoreBackup } from "../../restore.js";
import type { BackupStore } from "../../store.js";
import { LocalStore } from "../../stores/local/local-store.js";
import { S3Store } from "../../stores/s3/s3-store.js";
import {
  createFixtureDatabase,
  databasesLike,
  FIXTURE_TABLES,
  tableChecksums,
} from "../../testing/postgres-fixture.js";
import { type PostgresServer, startPostgresServer } from "../../testing/postgres-server.js";
import { type S3Server, startS3Server } from "../../testing/s3-server.js";
import { verifyBackup } from "../../verify.js";
import { PostgresBackupEngine } from "./postgres-engine.js";

describe("PostgresBackupEngine on a real server", { timeout: 60_000 }, () => {
  let pg: PostgresServer;
  let s3: S3Server;
  let s3Store: S3Store;
  let localStore: LocalStore;
  const localDir = mkdtempSync(join(tmpdir(), "slipway-pg-backups-"));
  let identity: string;
  let recipient: string;
  const engineFor = (database: string) => new PostgresBackupEngine({ ...pg.connection, database });
  const project = "shop";

  // Kept as a promise so that afterAll stops servers that finish starting after the hook timed out.
  let servers: Promise<[PostgresServer, S3Server]> | undefined;

  beforeAll(async () => {
    servers = Promise.all([startPostgresServer(), startS3Server()]);
    [pg, s3] = await servers;
    s3Store = new S3Store(s3.storeOptions("pg"));
    localStore = new LocalStore(localDir);
    identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
  }, 120_000);
  afterAll(async () => {
    s3Store?.close();
    const started = (await servers?.catch(() => undefined)) ?? [];
    await Promise.allSettled(started.map((server) => server.stop()));
    rmSync(localDir, { recursive: true, force: true });
  }, 120_000);

  const stores = { local: () => localStore as BackupStore, s3: () => s3Store as BackupStore };
  const combos = (["local", "s3"] as const).flatMap((store) => [
    { store, encrypted: false },
    { store, encrypted: true },
  ]);

  it.each(combos)(
    "backs up, survives destruction and restores exactly ($store store, encrypted: $encrypted)",
    async ({ store, encrypted }) => {
      const database = `app_${store}_${encrypted ? "enc" : "plain"}`;
      await createFixtureDatabase(pg, database);
      const before = await tableChecksums(pg, database);
      const engine = engineFor(database);
      const manifest = await runBackup({
        engine,
        store: stores[store](),
        project,
        service: database,
        recipients: encrypted ? [recipient] : [],
        release: "r42",
      });
      expect(manifest.contents.tables).toEqual(FIXTURE_TABLES);
      expect(manifest.tools.pg_dump).toMatch(/^\d+\.\d+/);
      expect(manifest.encryption).toEqual(encrypted ? { recipients: [recipient] } : null);
      expect(manifest.sizes.raw).toBeGreaterThan(manifest.sizes.stored);
      expect(manifest.release).toBe("r42");
      expect(await readManifest(stores[store](), project, database, manifest.id)).toEqual(manifest);

      await pg.sql(
        database,
        "DROP TABLE events, blobs CASCADE; DELETE FROM users; DROP SCHEMA game CASCADE;",
      );
      const outcome = await restoreBackup({
        engine,
        store: stores[store](),
        project,
        service: database,
        id: manifest.id,
        target: {},
        identities: encrypted ? [identity] : [],
      });
      expect(outcome.restoredTo).toContain(database);
      expect(await tableChecksums(pg, database)).toEqual(before);
      expect(await databasesLike(pg, "_restore_")).toEqual([]);
      expect(await databasesLike(pg, "_pre_")).toEqual([]);

      const verified = await verifyBackup({
        engine,
        store: stores[store](),
        project,
        service: database,
        id: manifest.id,
        identities: encrypted ? [identity] : [],
        check: "SELECT count(*) FROM users WHERE email LIKE '%@example.test'",
      });
      expect(verified.ok).toBe(true);
      expect(verified.details.checks.map((c) => [c.name, c.ok])).toEqual([
        ["restore", true],
        ["row counts", true],
        ["user check", true],
      ]);
      expect(await databasesLike(pg, "_verify_")).toEqual([]);
      expect((await readManifest(stores[store](), project, database, manifest.id)).verify?.ok).toBe(true);
    },
  );

  it("restores into a new database name and leaves the original untouched", async () => {
    await createFixtureDatabase(pg, "safe");
    const atBackup = await tableChecksums(pg, "safe");
    const engine = engineFor("safe");
    const manifest = await runBackup({ engine, store: localStore, project, service: "safe" });
    await pg.sql("safe", "INSERT INTO users (name) VALUES ('written after the backup');");
    const current = await tableChecksums(pg, "safe");
    const options = { engine, store: localStore, project, service: "safe", id: manifest.id };
    await restoreBackup({ ...options, target: { database: "safe_copy" } });
    expect(await tableChecksums(pg, "safe_copy")).toEqual(atBackup);
    expect(await tableChecksums(pg, "safe")).toEqual(current);
    await expect(restoreBackup({ ...options, target: { database: "safe_copy" } })).rejects.toMatchObject({
      code: "E_BACKUP_TARGET_NOT_EMPTY",
    });
    // In place (pg_restore --clean --if-exists in one transaction) brings the original back too.
    await restoreBackup({ ...options, target: { mode: "in-place" } });
    expect(await tableChecksums(pg, "safe")).toEqual(atBackup);
  });

  it("recreates a dropped role with its password, membership and ownership", async () => {
    await createFixtureDatabase(pg, "roles");
    await pg.sql(
      "roles",
      "CREATE ROLE auditor LOGIN PASSWORD 'audit-secret' IN ROLE reporter; CREATE TABLE audit_log (id int PRIMARY KEY, line text); ALTER TABLE audit_log OWNER TO auditor; INSERT INTO audit_log VALUES (1, 'x');",
    );
    const engine = engineFor("roles");
    const manifest = await runBackup({ engine, store: localStore, project, service: "roles" });
    expect(manifest.contents.rolePasswords).toBe(true);
    await pg.sql("roles", "DROP TABLE audit_log; DROP ROLE auditor;");
    const outcome = await restoreBackup({
      engine,
      store: localStore,
      project,
      service: "roles",
      id: manifest.id,
      target: {},
    });
    expect(outcome.notes).toContain("created the roles this server lacked");
    const facts = await pg.sql(
      "roles",
      `SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log')
        || ' ' || (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'auditor')
        || ' ' || pg_has_role('auditor', 'reporter', 'MEMBER')
        || ' ' || (SELECT count(*) FROM audit_log);`,
    );
    expect(facts.trim()).toBe("auditor true true 1");
  });
});

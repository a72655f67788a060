import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../../backup.js";
import { listBackups, readManifest, writeManifest } from "../../catalog.js";
import { restoreBackup } from "../../restore.js";
import { LocalStore } from "../../stores/local/local-store.js";
import {
  createFixtureDatabase,
  databasesLike,
  FIXTURE_TABLES,
  tableChecksums,
} from "../../testing/postgres-fixture.js";
import { type PostgresServer, startPostgresServer } from "../../testing/postgres-server.js";
import { verifyBackup } from "../../verify.js";
import { PostgresBackupEngine } from "./postgres-engine.js";

describe("PostgreSQL backups that must not restore, or must not replace anything", {
  timeout: 60_000,
}, () => {
  let pg: PostgresServer;
  const localDir = mkdtempSync(join(tmpdir(), "slipway-pg-damage-"));
  const localStore = new LocalStore(localDir);
  let identity: string;
  const engineFor = (database: string) => new PostgresBackupEngine({ ...pg.connection, database });
  const project = "shop";

  // Kept as a promise so that afterAll stops a server that finishes starting after the hook timed out.
  let server: Promise<PostgresServer> | undefined;

  beforeAll(async () => {
    server = startPostgresServer();
    pg = await server;
    identity = await generateX25519Identity();
  }, 120_000);
  afterAll(async () => {
    await (await server?.catch(() => undefined))?.stop();
    rmSync(localDir, { recursive: true, force: true });
  }, 120_000);

  describe("damaged backups", () => {
    let manifestId: string;
    let before: Record<string, string>;
    const engine = () => engineFor("guarded");
    const objectPath = (id: string) => join(localDir, project, "guarded", `${id}.postgres.zst`);
    const options = () => ({
      engine: engine(),
      store: localStore,
      project,
      service: "guarded",
      id: manifestId,
    });

    beforeAll(async () => {
      await createFixtureDatabase(pg, "guarded");
      before = await tableChecksums(pg, "guarded");
      manifestId = (await runBackup({ engine: engine(), store: localStore, project, service: "guarded" })).id;
    }, 120_000);

    it.each([
      ["truncated", (bytes: Buffer) => bytes.subarray(0, bytes.length - 1000)],
      [
        "altered by one byte",
        (bytes: Buffer) => {
          const altered = Buffer.from(bytes);
          altered[Math.floor(altered.length / 2)] = (altered[Math.floor(altered.length / 2)] ?? 0) ^ 0x01;
          return altered;
        },
      ],
    ])(
      "a %s object fails verify and restore with E_BACKUP_CHECKSUM; the database keeps its data",
      async (_, damage) => {
        const path = objectPath(manifestId);
        const original = readFileSync(path);
        writeFileSync(path, damage(original));
        try {
          const verified = await verifyBackup({ ...options(), record: false });
          expect(verified.ok).toBe(false);
          expect(verified.details.error?.code).toBe("E_BACKUP_CHECKSUM");
          await expect(restoreBackup({ ...options(), target: {} })).rejects.toMatchObject({
            code: "E_BACKUP_CHECKSUM",
          });
          expect(await tableChecksums(pg, "guarded")).toEqual(before);
        } finally {
          writeFileSync(path, original);
        }
      },
    );

    it("an altered object whose manifest was rewritten to match fails with E_BACKUP_CORRUPT; nothing is replaced", async () => {
      const path = objectPath(manifestId);
      const original = readFileSync(path);
      const manifest = await readManifest(localStore, project, "guarded", manifestId);
      const altered = Buffer.from(original);
      for (let i = 200; i < altered.length; i += 997) altered[i] = (altered[i] ?? 0) ^ 0xff;
      writeFileSync(path, altered);
      await writeManifest(localStore, {
        ...manifest,
        sha256: createHash("sha256").update(altered).digest("hex"),
      });
      try {
        await expect(restoreBackup({ ...options(), target: {} })).rejects.toMatchObject({
          code: "E_BACKUP_CORRUPT",
        });
        expect(await tableChecksums(pg, "guarded")).toEqual(before);
        expect(await databasesLike(pg, "_restore_")).toEqual([]);
        const verified = await verifyBackup({ ...options(), record: false });
        expect(verified.details.error?.code).toBe("E_BACKUP_CORRUPT");
      } finally {
        writeFileSync(path, original);
        await writeManifest(localStore, manifest);
      }
    });

    // Past the archive's head the bytes go from zstd straight to pg_restore (a DecodedPipe): damage
    // there is found by the decoder, while or after pg_restore ran, and still replaces nothing.
    it.each([
      ["its zstd checksum, after every byte decoded", (bytes: Buffer) => [bytes.length - 2]],
      ["its second half", (bytes: Buffer) => [0.6, 0.7, 0.8].map((at) => Math.floor(bytes.length * at))],
    ])(
      "an object damaged in %s (manifest rewritten to match) fails with E_BACKUP_CORRUPT; nothing is replaced",
      async (_, where) => {
        const path = objectPath(manifestId);
        const original = readFileSync(path);
        const manifest = await readManifest(localStore, project, "guarded", manifestId);
        const altered = Buffer.from(original);
        for (const at of where(altered)) altered[at] = (altered[at] ?? 0) ^ 0x5a;
        writeFileSync(path, altered);
        await writeManifest(localStore, {
          ...manifest,
          sha256: createHash("sha256").update(altered).digest("hex"),
        });
        try {
          for (const target of [{}, { mode: "in-place" as const }]) {
            await expect(restoreBackup({ ...options(), target })).rejects.toMatchObject({
              code: "E_BACKUP_CORRUPT",
              message: expect.stringMatching(/does not decode: zstd exited with code 1/),
            });
          }
          expect(await tableChecksums(pg, "guarded")).toEqual(before);
          expect(await databasesLike(pg, "_restore_")).toEqual([]);
          const verified = await verifyBackup({ ...options(), record: false });
          expect(verified.details.error?.code).toBe("E_BACKUP_CORRUPT");
          expect(await databasesLike(pg, "_verify_")).toEqual([]);
        } finally {
          writeFileSync(path, original);
          await writeManifest(localStore, manifest);
        }
      },
    );

    it("row counts that differ from the manifest fail verification", async () => {
      const manifest = await readManifest(localStore, project, "guarded", manifestId);
      await writeManifest(localStore, {
        ...manifest,
        contents: { ...manifest.contents, tables: { ...FIXTURE_TABLES, "public.users": 4999 } },
      });
      try {
        const verified = await verifyBackup({ ...options(), record: false, check: "SELECT 1/0" });
        expect(verified.ok).toBe(false);
        const failed = verified.details.checks.filter((c) => !c.ok).map((c) => c.name);
        expect(failed).toEqual(["row counts", "user check"]);
      } finally {
        await writeManifest(localStore, manifest);
      }
    });

    it("a backup encrypted to a key we do not hold fails restore with E_BACKUP_DECRYPT", async () => {
      const stranger = await identityToRecipient(await generateX25519Identity());
      const manifest = await runBackup({
        engine: engine(),
        store: localStore,
        project,
        service: "guarded",
        recipients: [stranger],
      });
      const restore = (identities: string[]) =>
        restoreBackup({ ...options(), id: manifest.id, target: {}, identities });
      await expect(restore([identity])).rejects.toMatchObject({ code: "E_BACKUP_DECRYPT" });
      await expect(restore([])).rejects.toMatchObject({
        code: "E_BACKUP_DECRYPT",
        message: expect.stringContaining(stranger),
      });
      expect(await tableChecksums(pg, "guarded")).toEqual(before);
    });
  });

  it("an object altered in its last bytes changes nothing: no role, no scratch database, no data", async () => {
    // The roles come first in the archive and the damage last: the sha256 of the whole object is
    // checked before anything in it is used, so not even the dropped role is recreated.
    await createFixtureDatabase(pg, "tampered");
    await pg.sql(
      "tampered",
      "CREATE ROLE tamper_probe LOGIN; CREATE TABLE probe (id int PRIMARY KEY); ALTER TABLE probe OWNER TO tamper_probe;",
    );
    const engine = engineFor("tampered");
    const manifest = await runBackup({ engine, store: localStore, project, service: "tampered" });
    await pg.sql("tampered", "DROP TABLE probe; DROP ROLE tamper_probe;");
    const before = await tableChecksums(pg, "tampered");
    const path = join(localDir, project, "tampered", `${manifest.id}.postgres.zst`);
    const altered = readFileSync(path);
    altered[altered.length - 3] = (altered[altered.length - 3] ?? 0) ^ 0x01;
    writeFileSync(path, altered);
    const restore = { engine, store: localStore, project, service: "tampered", id: manifest.id };
    for (const target of [{}, { database: "tampered_copy" }, { jobs: 1 }]) {
      await expect(restoreBackup({ ...restore, target })).rejects.toMatchObject({
        code: "E_BACKUP_CHECKSUM",
      });
    }
    const roles = await pg.sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'tamper_probe';");
    expect(roles.trim()).toBe("0");
    expect(await databasesLike(pg, "tampered_")).toEqual([]);
    expect(await tableChecksums(pg, "tampered")).toEqual(before);
  });

  it("an upload that fails says E_BACKUP_UPLOAD and leaves no dump or snapshot session running", async () => {
    await createFixtureDatabase(pg, "upload");
    const blocked = join(localDir, "blocked");
    writeFileSync(blocked, "a file where the store's directory should be");
    await expect(
      runBackup({ engine: engineFor("upload"), store: new LocalStore(blocked), project, service: "upload" }),
    ).rejects.toMatchObject({ code: "E_BACKUP_UPLOAD" });
    const sessions = () =>
      pg.sql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'slipway-backup' AND pid <> pg_backend_pid();",
      );
    for (let i = 0; i < 100 && (await sessions()).trim() !== "0"; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await sessions()).trim()).toBe("0");
  });

  it("a dump that fails stores nothing and says E_BACKUP_TOOL", async () => {
    const engine = engineFor("does_not_exist");
    await expect(runBackup({ engine, store: localStore, project, service: "missing" })).rejects.toMatchObject(
      {
        code: "E_BACKUP_TOOL",
      },
    );
    expect((await listBackups(localStore, project, "missing")).backups).toEqual([]);
    expect(await localStore.list(`${project}/missing/`)).toEqual([]);
  });

  it("counts rows in the snapshot pg_dump dumps, even while rows are being written", async () => {
    await createFixtureDatabase(pg, "busy");
    const writer = pg.sql(
      "busy",
      "DO $$ BEGIN FOR i IN 1..60 LOOP INSERT INTO users (name) VALUES ('busy ' || i); COMMIT; PERFORM pg_sleep(0.02); END LOOP; END $$;",
    );
    const manifest = await runBackup({
      engine: engineFor("busy"),
      store: localStore,
      project,
      service: "busy",
    });
    await writer;
    const verified = await verifyBackup({
      engine: engineFor("busy"),
      store: localStore,
      project,
      service: "busy",
      id: manifest.id,
    });
    expect(verified.details.checks.find((c) => c.name === "row counts")?.ok).toBe(true);
  });
});

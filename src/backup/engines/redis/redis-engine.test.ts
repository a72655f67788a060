import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../../backup.js";
import { restoreBackup } from "../../restore.js";
import type { BackupStore } from "../../store.js";
import { LocalStore } from "../../stores/local/local-store.js";
import { S3Store } from "../../stores/s3/s3-store.js";
import { FIXTURE_KEYS, fillRedis, snapshotRedis } from "../../testing/redis-fixture.js";
import { type RedisServer, startRedisServer } from "../../testing/redis-server.js";
import { type S3Server, startS3Server } from "../../testing/s3-server.js";
import { verifyBackup } from "../../verify.js";
import { RedisBackupEngine } from "./redis-engine.js";

describe("RedisBackupEngine on real servers", { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "slipway-redis-test-"));
  chmodSync(root, 0o755); // the servers run as the unix user redis
  // Every server ever started, as promises: afterAll also stops one still starting when a test timed out.
  const started: Promise<RedisServer>[] = [];
  let s3: S3Server;
  let s3Store: S3Store;
  let localStore: LocalStore;
  let identity: string;
  let recipient: string;
  const project = "cache";

  const start = (dir: string) => {
    const server = startRedisServer(dir);
    started.push(server);
    return server;
  };
  const stop = (server: RedisServer) => server.stop();

  beforeAll(async () => {
    s3 = await startS3Server();
    s3Store = new S3Store(s3.storeOptions());
    localStore = new LocalStore(join(root, "store"));
    identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
  }, 120_000);
  afterAll(async () => {
    s3Store?.close();
    await Promise.allSettled(started.map(async (server) => (await server).stop()));
    await s3?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

  const stores = { local: () => localStore as BackupStore, s3: () => s3Store as BackupStore };
  const combos = (["local", "s3"] as const).flatMap((store) => [
    { store, encrypted: false },
    { store, encrypted: true },
  ]);

  it.each(combos)(
    "snapshots, survives FLUSHALL and restores every key exactly ($store store, encrypted: $encrypted)",
    async ({ store, encrypted }) => {
      const service = `redis-${store}-${encrypted ? "enc" : "plain"}`;
      const dir = join(root, service);
      mkdirSync(dir);
      const server = await start(dir);
      const client = await server.client();
      await fillRedis(client);
      const before = await snapshotRedis(client);
      expect(Object.keys(before).length).toBe(FIXTURE_KEYS);
      const engine = new RedisBackupEngine(server.connection);
      const manifest = await runBackup({
        engine,
        store: stores[store](),
        project,
        service,
        recipients: encrypted ? [recipient] : [],
      });
      expect(manifest.contents).toEqual({ keys: FIXTURE_KEYS, expires: 301, alreadyExpired: 0 });
      expect(manifest.tools.redis).toMatch(/^\d+\.\d+/);

      await client.command("FLUSHALL");
      client.close();
      const options = {
        engine,
        store: stores[store](),
        project,
        service,
        id: manifest.id,
        identities: encrypted ? [identity] : [],
      };
      await expect(restoreBackup({ ...options, target: {} })).rejects.toMatchObject({
        code: "E_BACKUP_TARGET_RUNNING",
      });
      await stop(server);
      const outcome = await restoreBackup({ ...options, target: {} });
      expect(outcome.restoredTo).toBe(join(dir, "dump.rdb"));

      const restarted = await start(dir);
      const after = await restarted.client();
      expect(await snapshotRedis(after)).toEqual(before);
      after.close();
      await stop(restarted);

      const verified = await verifyBackup({
        ...options,
        check: 'test "$(redis-cli -p "$REDIS_PORT" --no-auth-warning GET str:7)" = "value 7 xxxxxxx"',
      });
      expect(verified.details.checks.map((c) => [c.name, c.ok])).toEqual([
        ["restore", true],
        ["key count", true],
        ["user check", true],
      ]);
      expect(verified.ok).toBe(true);
    },
  );

  it("refuses to write an RDB that an append-only file would shadow, and never replaces dump.rdb with a damaged backup", async () => {
    const dir = join(root, "guarded");
    mkdirSync(dir);
    const server = await start(dir);
    const client = await server.client();
    await fillRedis(client);
    client.close();
    const engine = new RedisBackupEngine(server.connection);
    const manifest = await runBackup({ engine, store: localStore, project, service: "guarded" });
    await stop(server);
    writeFileSync(join(dir, "dump.rdb"), "the current data");
    const options = { engine, store: localStore, project, service: "guarded", id: manifest.id };

    mkdirSync(join(dir, "appendonlydir"));
    await expect(restoreBackup({ ...options, target: {} })).rejects.toMatchObject({
      code: "E_BACKUP_TARGET_NOT_EMPTY",
    });
    rmSync(join(dir, "appendonlydir"), { recursive: true });

    const objectPath = join(root, "store", project, "guarded", `${manifest.id}.redis.zst`);
    const original = readFileSync(objectPath);
    writeFileSync(objectPath, original.subarray(0, original.length - 10));
    await expect(restoreBackup({ ...options, target: {} })).rejects.toMatchObject({
      code: "E_BACKUP_CHECKSUM",
    });
    const verified = await verifyBackup({ ...options, record: false });
    expect(verified.details.error?.code).toBe("E_BACKUP_CHECKSUM");
    expect(readFileSync(join(dir, "dump.rdb"), "utf8")).toBe("the current data");

    writeFileSync(objectPath, original);
    const outcome = await restoreBackup({ ...options, target: {} });
    expect(outcome.notes.join(" ")).toContain(`dump.rdb.pre-${manifest.id}`);
    expect(readFileSync(join(dir, `dump.rdb.pre-${manifest.id}`), "utf8")).toBe("the current data");
  });

  it("fails a backup of a server that is not there with E_BACKUP_TOOL and stores nothing", async () => {
    const engine = new RedisBackupEngine({ host: "127.0.0.1", port: 1, dataDir: root });
    await expect(runBackup({ engine, store: localStore, project, service: "absent" })).rejects.toMatchObject({
      code: "E_BACKUP_TOOL",
    });
    expect(await localStore.list(`${project}/absent/`)).toEqual([]);
  });
});

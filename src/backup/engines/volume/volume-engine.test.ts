import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../../backup.js";
import { restoreBackup } from "../../restore.js";
import type { BackupStore } from "../../store.js";
import { LocalStore } from "../../stores/local/local-store.js";
import { S3Store } from "../../stores/s3/s3-store.js";
import { type S3Server, startS3Server } from "../../testing/s3-server.js";
import { verifyBackup } from "../../verify.js";
import { RedisBackupEngine } from "../redis/redis-engine.js";
import { VolumeBackupEngine } from "./volume-engine.js";

/** Every entry of a tree: type, mode, owner, content digest or link target. */
function describeTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = lstatSync(path);
      const what = info.isSymbolicLink()
        ? `link ${readlinkSync(path)}`
        : info.isDirectory()
          ? "dir"
          : `file ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
      out[relative(root, path)] =
        `${what} mode=${(info.mode & 0o7777).toString(8)} owner=${info.uid}:${info.gid}`;
      if (info.isDirectory()) walk(path);
    }
  };
  walk(root);
  const top = lstatSync(root);
  out["."] = `mode=${(top.mode & 0o7777).toString(8)} owner=${top.uid}:${top.gid}`;
  return out;
}

function makeTree(dir: string): void {
  mkdirSync(join(dir, "uploads/2024/01"), { recursive: true });
  mkdirSync(join(dir, "empty"));
  for (let i = 0; i < 200; i++)
    writeFileSync(join(dir, "uploads/2024/01", `img-${i}.bin`), Buffer.alloc(1000 + i * 37, i));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ a: 1, ü: "→" }));
  writeFileSync(join(dir, "secret.key"), "k");
  chmodSync(join(dir, "secret.key"), 0o600);
  chownSync(join(dir, "secret.key"), 101, 104);
  symlinkSync("config.json", join(dir, "current"));
  linkSync(join(dir, "config.json"), join(dir, "config.hardlink.json"));
  chmodSync(dir, 0o750);
}

describe("VolumeBackupEngine", { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "slipway-volume-test-"));
  let s3: S3Server;
  let s3Store: S3Store;
  let localStore: LocalStore;
  let identity: string;
  let recipient: string;
  const project = "files";

  beforeAll(async () => {
    s3 = await startS3Server();
    s3Store = new S3Store(s3.storeOptions("v"));
    localStore = new LocalStore(join(root, "store"));
    identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
  }, 120_000);
  afterAll(async () => {
    s3Store?.close();
    await s3?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

  const stores = { local: () => localStore as BackupStore, s3: () => s3Store as BackupStore };
  const combos = (["local", "s3"] as const).flatMap((store) => [
    { store, encrypted: false },
    { store, encrypted: true },
  ]);

  it.each(combos)(
    "restores a tree exactly: contents, modes, owners, links ($store store, encrypted: $encrypted)",
    async ({ store, encrypted }) => {
      const service = `vol-${store}-${encrypted ? "enc" : "plain"}`;
      const dir = join(root, service);
      mkdirSync(dir);
      makeTree(dir);
      const before = describeTree(dir);
      const engine = new VolumeBackupEngine({ dataDir: dir });
      const manifest = await runBackup({
        engine,
        store: stores[store](),
        project,
        service,
        recipients: encrypted ? [recipient] : [],
      });
      expect(manifest.contents).toMatchObject({ files: 203, directories: 4, symlinks: 1 });
      rmSync(dir, { recursive: true });
      const options = {
        engine,
        store: stores[store](),
        project,
        service,
        id: manifest.id,
        identities: encrypted ? [identity] : [],
      };
      await restoreBackup({ ...options, target: {} });
      expect(describeTree(dir)).toEqual(before);
      const verified = await verifyBackup({
        ...options,
        check: 'test -f config.json && test "$SLIPWAY_RESTORED_DIR" = "$PWD"',
      });
      expect(verified.details.checks.map((c) => [c.name, c.ok])).toEqual([
        ["restore", true],
        ["tree", true],
        ["user check", true],
      ]);
    },
  );

  it("never restores over a non-empty directory without force, and replaces it whole with force", async () => {
    const dir = join(root, "guarded");
    mkdirSync(dir);
    makeTree(dir);
    const before = describeTree(dir);
    const engine = new VolumeBackupEngine({ dataDir: dir });
    const manifest = await runBackup({ engine, store: localStore, project, service: "guarded" });
    writeFileSync(join(dir, "written-later.txt"), "new");
    const options = { engine, store: localStore, project, service: "guarded", id: manifest.id };
    await expect(restoreBackup({ ...options, target: {} })).rejects.toMatchObject({
      code: "E_BACKUP_TARGET_NOT_EMPTY",
    });
    expect(existsSync(join(dir, "written-later.txt"))).toBe(true);

    const objectPath = join(root, "store", project, "guarded", `${manifest.id}.volume.zst`);
    const original = readFileSync(objectPath);
    const altered = Buffer.from(original);
    altered[100] = (altered[100] ?? 0) ^ 0x10;
    writeFileSync(objectPath, altered);
    await expect(restoreBackup({ ...options, target: { force: true } })).rejects.toMatchObject({
      code: "E_BACKUP_CHECKSUM",
    });
    expect(existsSync(join(dir, "written-later.txt"))).toBe(true);
    writeFileSync(objectPath, original);

    await restoreBackup({ ...options, target: { force: true } });
    expect(describeTree(dir)).toEqual(before);
    const wrongEngine = new RedisBackupEngine({ dataDir: dir });
    await expect(restoreBackup({ ...options, engine: wrongEngine, target: {} })).rejects.toMatchObject({
      code: "E_BACKUP_CONFIG",
    });
    expect(readdirSync(root).filter((name) => name.startsWith(".guarded"))).toEqual([]);
  });
});

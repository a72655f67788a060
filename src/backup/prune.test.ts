import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBackup } from "./backup.js";
import { listBackups } from "./catalog.js";
import { VolumeBackupEngine } from "./engines/volume/volume-engine.js";
import { pruneBackups } from "./prune.js";
import { LocalStore } from "./stores/local/local-store.js";
import { verifyBackup } from "./verify.js";

describe("pruneBackups", { timeout: 30_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "slipway-prune-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("deletes what the policy drops, manifest and object, but keeps the newest verified backup", async () => {
    const data = join(root, "data");
    mkdirSync(data);
    writeFileSync(join(data, "file.txt"), "contents");
    const store = new LocalStore(join(root, "store"));
    const engine = new VolumeBackupEngine({ dataDir: data });
    const at = (day: number) => () => new Date(Date.UTC(2025, 2, day, 3));
    const ids: string[] = [];
    for (const day of [1, 2, 3, 4])
      ids.push((await runBackup({ engine, store, project: "p", service: "files", now: at(day) })).id);
    // Only the oldest was ever proven to restore.
    expect((await verifyBackup({ engine, store, project: "p", service: "files", id: ids[0] ?? "" })).ok).toBe(
      true,
    );

    const policy = { keep_last: 1, daily: 2, weekly: 0, monthly: 0 };
    const now = new Date(Date.UTC(2025, 2, 4, 12));
    const dry = await pruneBackups({ store, project: "p", service: "files", policy, now, dryRun: true });
    expect(dry.delete.map((c) => c.id)).toEqual([ids[1]]);
    expect((await listBackups(store, "p", "files")).backups).toHaveLength(4);

    const plan = await pruneBackups({ store, project: "p", service: "files", policy, now });
    expect(plan.keep.map((k) => [k.backup.id, k.reasons.map((r) => r.rule)])).toEqual([
      [ids[3], ["keep-last", "daily"]],
      [ids[2], ["daily"]],
      [ids[0], ["newest-verified"]],
    ]);
    expect((await listBackups(store, "p", "files")).backups.map((m) => m.id)).toEqual([
      ids[3],
      ids[2],
      ids[0],
    ]);
    expect((await store.list("p/files/")).filter((o) => o.key.includes(ids[1] ?? "-"))).toEqual([]);
  });
});

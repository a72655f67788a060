import { describe, expect, it } from "vitest";
import { openTestState, sampleRelease } from "../../state/test-support.js";
import { backupsToRestore } from "./pre-migrate.js";
import { preMigrationBackups } from "./pre-migrate-record.js";

describe("which backups rollback --restore-data restores", () => {
  it("takes, per service, the backup before the first migration after the rollback target", () => {
    const store = openTestState();
    const [r1, r2, r3] = [1, 2, 3].map((n) =>
      store.insertRelease(sampleRelease("shop", { specHash: `h${n}` })),
    );
    const record = (release: string, backups: unknown) =>
      store.setMeta(`backups.pre-migrate:shop:${release}`, JSON.stringify(backups));
    record(r2!.id, [{ service: "db", id: "b2-db" }]);
    record(r3!.id, [
      { service: "db", id: "b3-db" },
      { service: "files", id: "b3-files" },
    ]);
    expect(preMigrationBackups(store, "shop", r3!.id)).toHaveLength(2);
    // Back to r1: the data as it was before r2 migrated (and files before r3 did).
    expect(backupsToRestore(store, "shop", r1!.number)).toEqual([
      { service: "db", id: "b2-db" },
      { service: "files", id: "b3-files" },
    ]);
    expect(backupsToRestore(store, "shop", r2!.number)).toEqual([
      { service: "db", id: "b3-db" },
      { service: "files", id: "b3-files" },
    ]);
  });

  it("refuses with E_ROLLBACK_NO_BACKUP when no later release backed up before migrating", () => {
    const store = openTestState();
    const r1 = store.insertRelease(sampleRelease("shop"));
    store.insertRelease(sampleRelease("shop", { specHash: "h2" }));
    expect(() => backupsToRestore(store, "shop", r1.number)).toThrow(
      expect.objectContaining({ code: "E_ROLLBACK_NO_BACKUP" }),
    );
  });
});

import { describe, expect, it } from "vitest";
import * as backup from "./index.js";

describe("the backup module's public API", () => {
  it("exports the engines, stores, pipeline entry points and retention", () => {
    expect(Object.keys(backup).sort()).toEqual([
      "BackupError",
      "LocalStore",
      "PostgresBackupEngine",
      "RedisBackupEngine",
      "S3Store",
      "VolumeBackupEngine",
      "deleteBackup",
      "listBackups",
      "planRetention",
      "pruneBackups",
      "readManifest",
      "restoreBackup",
      "runBackup",
      "verifyBackup",
    ]);
  });

  it("validates engine settings at construction with a coded error", () => {
    expect(() => new backup.VolumeBackupEngine({})).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
    );
    expect(() => new backup.PostgresBackupEngine({ port: 70000 })).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
    );
    expect(() => new backup.RedisBackupEngine({ runAs: "no-such-user-here" })).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
    );
    expect(() => new backup.S3Store({ bucket: "" })).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
    );
  });
});

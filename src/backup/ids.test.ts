import { describe, expect, it } from "vitest";
import { checkName, newBackupId } from "./ids.js";
import { manifestKey, objectKey } from "./manifest.js";

describe("names inside backup keys", () => {
  it.each(["..", ".", "../x", "a/b", ".hidden", "-x", "", "a\0b"])(
    "refuses %j as a backup id, project or service (E_BACKUP_CONFIG)",
    (name) => {
      expect(() => checkName("backup id", name)).toThrow(
        expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
      );
      expect(() => manifestKey("shop", "db", name)).toThrow(
        expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
      );
      expect(() => objectKey(name, "db", "x", "volume", "gzip", false)).toThrow(
        expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
      );
      expect(() => manifestKey("shop", name, "x")).toThrow(
        expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
      );
    },
  );

  it("accepts the ids it makes", () => {
    const id = newBackupId(new Date("2025-01-02T03:00:00Z"));
    expect(manifestKey("shop", "db", id)).toBe(`shop/db/${id}.manifest.json`);
  });
});

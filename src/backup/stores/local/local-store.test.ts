import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { storeConformance } from "../store-conformance.js";
import { LocalStore } from "./local-store.js";

describe("LocalStore", { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-local-store-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  storeConformance(() => new LocalStore(dir));

  it("fails with E_BACKUP_UPLOAD when the directory cannot be created", async () => {
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where a directory should be");
    await expect(
      new LocalStore(blocked).put("a/b.bin", Readable.from([Buffer.from("x")])),
    ).rejects.toMatchObject({
      code: "E_BACKUP_UPLOAD",
    });
  });
});

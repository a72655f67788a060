import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("names the file holding an object, so a restore reads it in place", async () => {
    const store = new LocalStore(dir);
    await store.put("p/s/in-place.bin", Readable.from([Buffer.from("kept")]));
    const file = await store.localFile("p/s/in-place.bin");
    expect(file).toBe(join(dir, "p/s/in-place.bin"));
    expect(readFileSync(file!, "utf8")).toBe("kept");
    expect(await store.localFile("p/s/missing.bin")).toBeUndefined();
  });

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

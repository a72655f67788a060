import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { expect, it } from "vitest";
import type { BackupStore } from "../store.js";

/** Bytes arriving in many pieces, as a dump does. */
function chunked(data: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
  );
}

/** A stream that fails after sending some bytes, as a dump whose tool crashed does. */
function failing(after: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(after);
      } else setTimeout(() => this.destroy(new Error("the dump tool crashed")), 20);
    },
  });
}

/** The behaviour every BackupStore implementation must have; each store's test file runs it. */
export function storeConformance(store: () => BackupStore): void {
  it("writes, reads back, heads and deletes an object streamed in pieces", async () => {
    const data = randomBytes(5 * 1024 * 1024 + 100_017); // two multipart parts
    await store().put("p/s/one.bin", chunked(data));
    const head = await store().head("p/s/one.bin");
    expect(head?.size).toBe(data.length);
    expect((await buffer(await store().get("p/s/one.bin"))).equals(data)).toBe(true);
    await store().delete("p/s/one.bin");
    expect(await store().head("p/s/one.bin")).toBeUndefined();
    await store().delete("p/s/one.bin"); // deleting twice is fine
  });

  it("replaces an object and lists by plain prefix, sorted", async () => {
    await store().put("a/x/2.txt", Readable.from([Buffer.from("old")]));
    await store().put("a/x/2.txt", Readable.from([Buffer.from("new")]));
    await store().put("a/x/1.txt", Readable.from([Buffer.from("1")]));
    await store().put("a/xy/3.txt", Readable.from([Buffer.from("3")]));
    await store().put("b/4.txt", Readable.from([Buffer.from("4")]));
    expect((await store().list("a/x/")).map((o) => o.key)).toEqual(["a/x/1.txt", "a/x/2.txt"]);
    expect((await store().list("a/x")).map((o) => o.key)).toEqual(["a/x/1.txt", "a/x/2.txt", "a/xy/3.txt"]);
    expect((await buffer(await store().get("a/x/2.txt"))).toString()).toBe("new");
    expect((await store().list("nothing/")).length).toBe(0);
  });

  it("reports a missing object as E_BACKUP_NOT_FOUND", async () => {
    await expect(store().get("no/such.bin")).rejects.toMatchObject({ code: "E_BACKUP_NOT_FOUND" });
    expect(await store().head("no/such.bin")).toBeUndefined();
  });

  it("leaves nothing behind when the stream fails, and says so with E_BACKUP_UPLOAD", async () => {
    await expect(store().put("f/broken.bin", failing(randomBytes(6 * 1024 * 1024)))).rejects.toMatchObject({
      code: "E_BACKUP_UPLOAD",
    });
    expect(await store().head("f/broken.bin")).toBeUndefined();
    expect(await store().list("f/")).toEqual([]);
  });

  it("refuses keys that could escape the store", async () => {
    for (const key of ["../x", "/abs", "a//b", "a/../b", ".hidden", ""]) {
      await expect(store().put(key, Readable.from([Buffer.from("x")]))).rejects.toMatchObject({
        code: "E_BACKUP_CONFIG",
      });
    }
  });
}

import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Server, startS3Server } from "../../testing/s3-server.js";
import { storeConformance } from "../store-conformance.js";
import { S3Store } from "./s3-store.js";

describe("S3Store against s3rver on loopback", { timeout: 30_000 }, () => {
  let server: S3Server;
  let store: S3Store;
  beforeAll(async () => {
    server = await startS3Server();
    store = new S3Store(server.storeOptions("team/backups/"));
  }, 120_000);
  afterAll(async () => {
    store?.close();
    await server?.stop();
  }, 120_000);

  storeConformance(() => store);

  it("fails with E_BACKUP_UPLOAD when the bucket does not exist", async () => {
    const missing = new S3Store({ ...server.storeOptions(), bucket: "no-such-bucket" });
    await expect(missing.put("a/b.bin", Readable.from([Buffer.from("x")]))).rejects.toMatchObject({
      code: "E_BACKUP_UPLOAD",
    });
    missing.close();
  });

  it("keeps keys under its prefix", async () => {
    await store.put("k/one.txt", Readable.from([Buffer.from("1")]));
    const bare = new S3Store(server.storeOptions());
    expect((await bare.list("team/backups/k/")).map((o) => o.key)).toEqual(["team/backups/k/one.txt"]);
    bare.close();
  });
});

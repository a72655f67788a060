import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3StoreOptions } from "../stores/s3/s3-store.js";

/** A real S3-protocol server (s3rver) on a free loopback port, storing into a temporary directory. */
export interface S3Server {
  /** Options for an S3Store on this server's bucket. */
  storeOptions(prefix?: string): S3StoreOptions;
  /** Where s3rver keeps objects on disk (to damage them on purpose). */
  readonly directory: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "slipway-s3-test-"));
  const bucket = "backups";
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  return {
    directory,
    bucket,
    storeOptions: (prefix = "") => ({
      bucket,
      prefix,
      endpoint: `http://127.0.0.1:${address.port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      partSize: 5 * 1024 * 1024,
    }),
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

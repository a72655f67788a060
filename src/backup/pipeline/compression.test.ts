import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { runBackup } from "../backup.js";
import type { BackupEngine } from "../engine.js";
import { LocalStore } from "../stores/local/local-store.js";
import { runningChildren } from "../testing/processes.js";
import {
  type Compression,
  compressionSuffix,
  compressor,
  decompressor,
  defaultCompression,
} from "./compression.js";

const zstdChildren = () => runningChildren("zstd");

async function through(input: Buffer, transform: ReturnType<typeof compressor>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from([input.subarray(0, 100_000), input.subarray(100_000)]),
    transform,
    async (source) => {
      for await (const chunk of source) chunks.push(chunk as Buffer);
    },
  );
  return Buffer.concat(chunks);
}

// Compressible and incompressible parts, a few MiB: several pipe buffers each way.
const data = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, "row,42,hello\n"), randomBytes(512 * 1024)]);

describe("backup compression", () => {
  it.each<Compression>(["zstd", "gzip", "none"])(
    "%s round-trips a dump byte for byte",
    async (compression) => {
      const packed = await through(data, compressor(compression));
      if (compression !== "none") expect(packed.length).toBeLessThan(data.length / 2);
      expect((await through(packed, decompressor(compression))).equals(data)).toBe(true);
    },
  );

  it("picks zstd for new backups on a machine that has it, and names its objects .zst", async () => {
    expect(await defaultCompression()).toBe("zstd");
    expect(compressionSuffix("zstd")).toBe(".zst");
    expect(compressionSuffix("gzip")).toBe(".gz");
  });

  it("fails, rather than ends, on a zstd stream cut short or damaged", async () => {
    const packed = await through(data, compressor("zstd"));
    await expect(
      through(packed.subarray(0, packed.length - 1000), decompressor("zstd")),
    ).rejects.toMatchObject({
      code: "E_BACKUP_CORRUPT",
    });
    const damaged = Buffer.from(packed);
    for (let i = 100; i < 140; i++) damaged[i] = (damaged[i] ?? 0) ^ 0xff;
    await expect(through(damaged, decompressor("zstd"))).rejects.toMatchObject({ code: "E_BACKUP_CORRUPT" });
  });

  it("stops the zstd process when the reader goes away early", async () => {
    const packed = await through(data, compressor("zstd"));
    const before = zstdChildren();
    const unpack = decompressor("zstd");
    Readable.from([packed]).pipe(unpack);
    await new Promise<Buffer>((resolve) => unpack.once("data", resolve));
    expect(zstdChildren().length).toBe(before.length + 1);
    // Destroyed while the process runs, a Duplex.from stream fails with AbortError: the reader that
    // went away is the one that would see it.
    unpack.once("error", () => {});
    unpack.destroy();
    for (let i = 0; i < 50 && zstdChildren().length > before.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(zstdChildren()).toEqual(before);
  });

  it("starts no zstd process for a backup refused before its dump (a bad recipient)", async () => {
    const before = zstdChildren();
    const dir = mkdtempSync(join(tmpdir(), "slipway-compression-"));
    try {
      const engine = { kind: "volume", description: "never dumped" } as unknown as BackupEngine;
      await expect(
        runBackup({
          engine,
          store: new LocalStore(dir),
          project: "p",
          service: "s",
          compression: "zstd",
          recipients: ["age1notarecipient"],
        }),
      ).rejects.toMatchObject({ code: "E_BACKUP_CONFIG" });
      expect(zstdChildren()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a level the compression does not have", () => {
    expect(() => compressor("gzip", 12)).toThrow(/between 1 .* and 9/);
    expect(() => compressor("zstd", 20)).toThrow(/between 1 .* and 19/);
  });
});

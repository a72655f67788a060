import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { DecodedPipe } from "../engine.js";
import { startTool, toolChunks } from "../engines/tool-process.js";
import type { BackupManifest } from "../manifest.js";
import { runningChildren } from "../testing/processes.js";
import { type Compression, compressor } from "./compression.js";
import { decodedPipe } from "./decoded-pipe.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-decoded-pipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 4 MiB that compress (repeated random blocks) and whose every offset is distinguishable. */
const content = Buffer.concat(
  Array.from({ length: 64 }, (_, i) => Buffer.concat([Buffer.from(`block ${i}\n`), randomBytes(16 * 1024)])),
).subarray(0, 4 * 1024 * 1024);
const contentOf = (length: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(length / content.length) }, () => content)).subarray(
    0,
    length,
  );

const manifestFor = (compression: Compression, encrypted = false) =>
  ({
    id: "20261207t050000z-abcdef",
    project: "shop",
    service: "db",
    compression,
    encryption: encrypted ? { recipients: ["age1example"] } : null,
  }) as unknown as BackupManifest;

async function stored(compression: Compression, bytes: Buffer): Promise<string> {
  const path = join(dir, `object-${compression}-${bytes.length}-${Math.random()}`);
  await pipeline(Readable.from([bytes]), compressor(compression), createWriteStream(path));
  return path;
}

/** Length and sha256: what two buffers of megabytes are compared by (a deep equality takes seconds). */
const digest = (bytes: Buffer) => ({
  length: bytes.length,
  sha256: createHash("sha256").update(bytes).digest("hex"),
});

/** The pipe of a backup whose programs this machine has. */
async function pipeOf(path: string, manifest: BackupManifest, from: number): Promise<DecodedPipe> {
  const pipe = await decodedPipe(path, manifest, from);
  if (!pipe) throw new Error("this machine lacks zstd, gzip or tail");
  return pipe;
}

/** What a process reading the pipe as its stdin (`cat`, `head -c N`) receives. */
async function readThrough(pipe: DecodedPipe, reader: string[] = ["cat"]) {
  const tool = startTool(reader[0]!, reader.slice(1), { stdin: pipe.start() });
  const chunks: Buffer[] = [];
  for await (const chunk of toolChunks(tool)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("decodedPipe: a backup's bytes from decoder processes to a tool, not through Node", () => {
  // First in the file: each program's presence is asked once per process.
  it("is not offered where a program of the chain is missing (the restore then streams through Node)", async () => {
    const path = await stored("gzip", content);
    const bin = mkdtempSync(join(tmpdir(), "slipway-bin-"));
    const saved = process.env.PATH;
    try {
      symlinkSync(
        execFileSync("/bin/sh", ["-c", "command -v tail"], { encoding: "utf8" }).trim(),
        join(bin, "tail"),
      );
      process.env.PATH = bin;
      expect(await decodedPipe(path, manifestFor("gzip"), 0)).toBeUndefined();
    } finally {
      process.env.PATH = saved;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it.each([
    ["zstd", 12_345],
    ["gzip", 12_345],
    ["none", 12_345],
    ["zstd", 0],
    ["none", 0],
  ] as const)(
    "%s from byte %i: exactly the bytes after the offset, and the decoders end whole",
    async (compression, from) => {
      const path = await stored(compression, content);
      const pipe = await pipeOf(path, manifestFor(compression), from);
      expect(digest(await readThrough(pipe))).toEqual(digest(content.subarray(from)));
      await expect(pipe.done).resolves.toBe("whole");
    },
  );

  it("a zstd object whose frame checksum is wrong delivers its bytes but fails with E_BACKUP_CORRUPT", async () => {
    const path = await stored("zstd", content);
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0x01; // inside the 4-byte content checksum
    writeFileSync(path, bytes);
    const pipe = await pipeOf(path, manifestFor("zstd"), 100);
    await readThrough(pipe);
    await expect(pipe.done).rejects.toMatchObject({
      code: "E_BACKUP_CORRUPT",
      message: expect.stringContaining("backup 20261207t050000z-abcdef of shop/db does not decode"),
    });
  });

  it("a reader that stops early ends the decoders as cut, and none keeps running", async () => {
    const path = await stored("zstd", contentOf(32 * 1024 * 1024));
    const before = [runningChildren("zstd").length, runningChildren("tail").length];
    const pipe = await pipeOf(path, manifestFor("zstd"), 10);
    expect(digest(await readThrough(pipe, ["head", "-c", "100"]))).toEqual(digest(content.subarray(10, 110)));
    await expect(pipe.done).resolves.toBe("cut");
    expect([runningChildren("zstd").length, runningChildren("tail").length]).toEqual(before);
  });

  it("stopped before it started, it starts nothing and settles as cut", async () => {
    const path = await stored("gzip", content);
    const pipe = await pipeOf(path, manifestFor("gzip"), 0);
    pipe.stop();
    await expect(pipe.done).resolves.toBe("cut");
    expect(() => pipe.start()).toThrow(/starts once/);
  });

  it("is offered only for backups that are not encrypted (age decrypts in Node)", async () => {
    const path = await stored("zstd", content);
    expect(await decodedPipe(path, manifestFor("zstd", true), 0)).toBeUndefined();
    const plain = await pipeOf(path, manifestFor("zstd"), 0);
    plain.stop();
    await expect(plain.done).resolves.toBe("cut");
  });
});

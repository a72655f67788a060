import { Duplex, PassThrough, Readable, type Transform, Writable } from "node:stream";
import { constants, createGunzip, createGzip } from "node:zlib";
import { programVersion, startTool, toolChunks } from "../engines/tool-process.js";
import { BackupError, type BackupErrorCode } from "../errors.js";

/** How backup bytes are compressed before they are encrypted and stored. */
export type Compression = "zstd" | "gzip" | "none";

/** File name suffix for a compression. */
export function compressionSuffix(compression: Compression): string {
  return compression === "gzip" ? ".gz" : compression === "zstd" ? ".zst" : "";
}

/** Levels each compression takes, and its default. */
const LEVELS = { gzip: { max: 9, default: 6 }, zstd: { max: 19, default: 3 } } as const;

/**
 * What a new backup is compressed with when nothing says: zstd when the machine has the `zstd`
 * program (it decodes about 4 × faster than gzip and compresses faster for a like size, so restores
 * keep up with `pg_restore`), else gzip. Each backup's manifest records which one it has.
 */
export async function defaultCompression(): Promise<Compression> {
  try {
    await programVersion("zstd");
    return "zstd";
  } catch {
    return "gzip";
  }
}

/**
 * The level a backup is compressed at: `level`, or the compression's default (gzip 6, zstd 3, each
 * tool's own); `E_BACKUP_CONFIG` for one it does not have. Checked before a dump starts.
 */
export function compressionLevel(compression: Compression, level?: number): number {
  if (compression === "none") return 0;
  const { max, default: fallback } = LEVELS[compression];
  const chosen = level ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > max) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `${compression} level ${chosen} is not between 1 (fastest) and ${max} (smallest)`,
    );
  }
  return chosen;
}

/**
 * A compressing transform. zlib runs in libuv's thread pool and zstd in a process of its own (started
 * here: make it only when the pipeline it joins is built), so compression overlaps with the dump
 * tool producing bytes.
 */
export function compressor(compression: Compression, level?: number): Transform | Duplex {
  const chosen = compressionLevel(compression, level);
  if (compression === "none") return new PassThrough();
  if (compression === "zstd") return toolStream("zstd", ["-q", "-c", `-${chosen}`], "E_BACKUP_TOOL");
  return createGzip({ level: chosen, chunkSize: 128 * 1024, memLevel: constants.Z_DEFAULT_MEMLEVEL });
}

/** `zstd` arguments that decode stdin to stdout (also used by `decoded-pipe.ts`). */
export const ZSTD_DECODE_ARGS: readonly string[] = ["-d", "-q", "-c"];

/**
 * The reverse of `compressor`; a damaged stream errors (gzip checks its CRC and length at the end,
 * zstd its frame checksum and exits non-zero). gzip in 1 MiB chunks: fewer hops between the thread
 * pool and the event loop than smaller ones.
 */
export function decompressor(compression: Compression): Transform | Duplex {
  if (compression === "none") return new PassThrough();
  if (compression === "zstd") return toolStream("zstd", ZSTD_DECODE_ARGS, "E_BACKUP_CORRUPT");
  return createGunzip({ chunkSize: 1024 * 1024 });
}

/**
 * A program as a stream: bytes written go to its stdin, its stdout is read. Its output fails
 * (instead of ending) when it exits non-zero, so a cut-short result is never taken for a whole one;
 * destroying the stream stops the program. A decoder that fails says `E_BACKUP_CORRUPT`: the bytes
 * passed their checksum but do not decode.
 */
function toolStream(
  program: string,
  args: readonly string[],
  failure: "E_BACKUP_TOOL" | "E_BACKUP_CORRUPT",
): Duplex {
  const tool = startTool(program, args);
  const stdin = tool.child.stdin as Writable;
  const readable = Readable.from(failingWith(toolChunks(tool), failure), {
    objectMode: false,
    highWaterMark: 1024 * 1024,
  });
  const writable = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (stdin.write(chunk)) return callback();
      // Wait for room, or for the program to go away (its exit fails the readable side).
      const done = () => {
        stdin.off("drain", done);
        stdin.off("close", done);
        callback();
      };
      stdin.once("drain", done);
      stdin.once("close", done);
    },
    final(callback) {
      stdin.end(() => callback());
    },
  });
  const stream = Duplex.from({ readable, writable });
  stream.once("close", () => {
    if (tool.child.exitCode === null && tool.child.signalCode === null) tool.child.kill("SIGKILL");
  });
  return stream;
}

async function* failingWith(chunks: AsyncGenerator<Buffer>, code: BackupErrorCode): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (error) {
    if (!(error instanceof BackupError) || error.code === code) throw error;
    throw new BackupError(code, error.message, undefined, { cause: error });
  }
}

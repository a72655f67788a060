import { PassThrough, type Transform } from "node:stream";
import { constants, createGunzip, createGzip } from "node:zlib";
import { BackupError } from "../errors.js";

/** How backup bytes are compressed before they are encrypted and stored. */
export type Compression = "gzip" | "none";

/** File name suffix for a compression. */
export function compressionSuffix(compression: Compression): string {
  return compression === "gzip" ? ".gz" : "";
}

/**
 * A compressing transform. zlib runs in libuv's thread pool, so compression overlaps with the
 * dump tool producing bytes. Default level 6 (gzip's own default).
 */
export function compressor(compression: Compression, level = 6): Transform {
  if (compression === "none") return new PassThrough();
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `gzip level ${level} is not between 1 (fastest) and 9 (smallest)`,
    );
  }
  return createGzip({ level, chunkSize: 128 * 1024, memLevel: constants.Z_DEFAULT_MEMLEVEL });
}

/**
 * The reverse of `compressor`; a damaged gzip stream errors (its CRC and length are checked at the
 * end). 1 MiB chunks: fewer hops between the thread pool and the event loop than smaller ones.
 */
export function decompressor(compression: Compression): Transform {
  if (compression === "none") return new PassThrough();
  return createGunzip({ chunkSize: 1024 * 1024 });
}

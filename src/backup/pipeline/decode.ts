import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { BackupError, messageOf } from "../errors.js";
import type { BackupManifest } from "../manifest.js";
import { decompressor } from "./compression.js";
import { decryptedStream } from "./encryption.js";

const READ_AHEAD = 1024 * 1024;

/**
 * The raw dump inside a verified local copy of a backup object: decrypted (the key is unwrapped
 * before this resolves, so a missing identity fails before any restore starts) and decompressed.
 * Any later decoding failure makes the stream fail with `E_BACKUP_CORRUPT`.
 */
export async function openDecoded(
  path: string,
  manifest: BackupManifest,
  identities: readonly string[],
): Promise<Readable> {
  const what = `backup ${manifest.id} of ${manifest.project}/${manifest.service}`;
  let stream: Readable = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (manifest.encryption) {
    stream = await decryptedStream(stream, identities, what, manifest.encryption.recipients);
  }
  const decompressed = stream.pipe(decompressor(manifest.compression));
  stream.once("error", (error) => decompressed.destroy(error));
  decompressed.on("error", () => {}); // surfaced by the iteration below, also after it stopped early
  // Up to 1 MiB decoded ahead: zlib (in the thread pool) keeps inflating while the consumer writes.
  return Readable.from(asCorrupt(decompressed, what), { objectMode: false, highWaterMark: READ_AHEAD });
}

/** A stream that opens its source (`open`) on its first read, and closes it when it is destroyed. */
export function openedOnRead(open: () => Promise<Readable>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const source = await open();
    try {
      for await (const chunk of source) yield chunk as Buffer;
    } finally {
      source.destroy();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: READ_AHEAD });
}

async function* asCorrupt(source: Readable, what: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError("E_BACKUP_CORRUPT", `${what} does not decode: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  } finally {
    source.destroy();
  }
}

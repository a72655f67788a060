import { performance } from "node:perf_hooks";
import { pipeline, type Readable, type Transform } from "node:stream";
import { writeManifest } from "./catalog.js";
import type { BackupEngine } from "./engine.js";
import { programVersion } from "./engines/tool-process.js";
import { asBackupError, BackupError } from "./errors.js";
import { newBackupId } from "./ids.js";
import { type BackupManifest, objectKey } from "./manifest.js";
import {
  type Compression,
  compressionLevel,
  compressor,
  defaultCompression,
} from "./pipeline/compression.js";
import { ByteCounter, DigestStream } from "./pipeline/digest.js";
import { encryptor } from "./pipeline/encryption.js";
import type { BackupStore } from "./store.js";

/** What to back up, where to, and how. */
export interface BackupOptions {
  readonly engine: BackupEngine<unknown>;
  readonly store: BackupStore;
  readonly project: string;
  readonly service: string;
  /** age recipients (`age1…`) the backup is encrypted to. Default none: not encrypted. */
  readonly recipients?: readonly string[];
  /** Default `zstd` when the machine has the `zstd` program, else `gzip` (see `defaultCompression`). */
  readonly compression?: Compression;
  /** Level, 1 (fastest) to 9 (gzip) or 19 (zstd) (smallest). Default gzip 6, zstd 3. */
  readonly compressionLevel?: number;
  /** Release the service ran when the backup was taken. Default none. */
  readonly release?: string;
  /** Clock. Default the system's. */
  readonly now?: () => Date;
}

/**
 * Streams a dump through compression, encryption and a sha256 into the store, then writes the
 * manifest beside it. The whole dump is never in memory. A backup exists once its manifest does:
 * any failure removes the object and rejects with a coded error.
 */
export async function runBackup(options: BackupOptions): Promise<BackupManifest> {
  const { engine, store, project, service } = options;
  const started = performance.now();
  const createdAt = (options.now ?? (() => new Date()))();
  const id = newBackupId(createdAt);
  const recipients = [...(options.recipients ?? [])];
  const compression = options.compression ?? (await defaultCompression());
  const key = objectKey(project, service, id, engine.kind, compression, recipients.length > 0);
  // The level, recipients and tools are checked before the dump starts; zstd's process starts with
  // the pipeline, so a check that fails leaves none behind.
  const level = compressionLevel(compression, options.compressionLevel);
  const encrypt = recipients.length > 0 ? await encryptor(recipients) : undefined;
  const tools = { ...(await engine.toolVersions()) };
  if (compression === "zstd") tools.zstd = await programVersion("zstd");
  const dump = await engine.dump();
  const raw = new ByteCounter();
  const digest = new DigestStream();
  const stages: (Readable | Transform)[] = [dump.stream, raw, compressor(compression, level)];
  if (encrypt) stages.push(encrypt);
  let streamError: unknown;
  const streamed = new Promise<void>((resolve) => {
    pipeline([...stages, digest], (error) => {
      streamError = error ?? undefined;
      resolve();
    });
  });
  const [put] = await Promise.allSettled([store.put(key, digest), streamed]);
  try {
    if (streamError instanceof BackupError || (streamError !== undefined && put.status === "fulfilled")) {
      throw asBackupError(streamError, "E_BACKUP_TOOL", `dumping ${engine.description} failed`);
    }
    if (put.status === "rejected") throw put.reason;
    const stored = await store.head(key);
    if (stored?.size !== digest.bytes) {
      throw new BackupError(
        "E_BACKUP_UPLOAD",
        `${store.description} holds ${stored?.size ?? "no"} bytes for ${key} after writing ${digest.bytes}`,
      );
    }
    const manifest: BackupManifest = {
      format: 1,
      id,
      project,
      service,
      engine: engine.kind,
      createdAt: createdAt.toISOString(),
      ...(options.release ? { release: options.release } : {}),
      object: key,
      sizes: { raw: raw.bytes, stored: digest.bytes },
      sha256: digest.sha256,
      compression,
      encryption: recipients.length > 0 ? { recipients } : null,
      tools: { ...tools },
      durationMs: Math.round(performance.now() - started),
      contents: await dump.contents,
    };
    await writeManifest(store, manifest);
    return manifest;
  } catch (error) {
    await store.delete(key).catch(() => {});
    throw error;
  }
}

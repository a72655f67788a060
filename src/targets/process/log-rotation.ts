import { open, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessLaunchSpec } from "./launch-spec.js";

/** How big an instance's captured output may grow, per stream (`stdout`, `stderr`). */
export interface LogLimits {
  /** The current file is rotated once it reaches this size. Default 10 MiB. */
  readonly maxBytes: number;
  /** Files kept per stream, the current one included (`stdout.log`, `.1` … `.maxFiles-1`). Default 3. */
  readonly maxFiles: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxBytes: 10 * 1024 * 1024, maxFiles: 3 };

/** The spec's limits, each one not given taken from the defaults. */
export function logLimitsOf(spec: ProcessLaunchSpec): LogLimits {
  return {
    maxBytes: spec.logs?.maxBytes ?? DEFAULT_LOG_LIMITS.maxBytes,
    maxFiles: spec.logs?.maxFiles ?? DEFAULT_LOG_LIMITS.maxFiles,
  };
}

const STREAM_FILES = ["stdout.log", "stderr.log"] as const;
const CHUNK_BYTES = 64 * 1024;

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Copies `path` into `copy` up to its end, then truncates `path` right away: lines written while
 * the copy ran are copied too, so only what lands between the last read and the truncation is lost
 * (a single system call apart). Reading stops after `cap` bytes so a runaway writer cannot keep it busy.
 */
async function copyThenTruncate(path: string, copy: string | undefined, cap: number): Promise<void> {
  const source = await open(path, "r+");
  try {
    if (copy !== undefined) {
      const target = await open(copy, "w", 0o600);
      try {
        const buffer = Buffer.alloc(CHUNK_BYTES);
        for (let copied = 0; copied < cap; ) {
          const { bytesRead } = await source.read(buffer, 0, CHUNK_BYTES, copied);
          if (bytesRead === 0) break;
          await target.write(buffer, 0, bytesRead);
          copied += bytesRead;
        }
      } finally {
        await target.close();
      }
    }
    await source.truncate(0);
  } finally {
    await source.close();
  }
}

/**
 * Rotates `stdout.log` and `stderr.log` in `logDir` once they reach `limits.maxBytes`, keeping
 * `maxFiles - 1` old copies (`.1` newest). Copy-then-truncate, because the running instance holds the
 * file open itself: with O_APPEND its next write lands at the start of the emptied file. The order
 * (copy aside, truncate, shift, rename the copy to `.1`) lets a reader following the files tell a
 * finished rotation (a new `.1`) from one in progress (the current file shrank, `.1` unchanged).
 * Returns the files rotated.
 */
export async function rotateLogs(logDir: string, limits: LogLimits): Promise<string[]> {
  const { maxBytes, maxFiles } = limits;
  if (!Number.isInteger(maxFiles) || maxFiles < 1)
    throw new RangeError(`maxFiles must be a whole number >= 1, got ${maxFiles}`);
  const rotated: string[] = [];
  for (const name of STREAM_FILES) {
    const path = join(logDir, name);
    const size = await sizeOf(path);
    if (size === undefined || size === 0 || size < maxBytes) continue;
    const copy = maxFiles > 1 ? `${path}.rotating` : undefined;
    await copyThenTruncate(path, copy, 2 * Math.max(size, maxBytes));
    if (copy !== undefined) {
      for (let index = maxFiles - 2; index >= 1; index--)
        await renameIfExists(`${path}.${index}`, `${path}.${index + 1}`);
      await rename(copy, `${path}.1`);
    }
    rotated.push(path);
  }
  return rotated;
}

import { copyFile, rename, stat, truncate } from "node:fs/promises";
import { join } from "node:path";

const STREAM_FILES = ["stdout.log", "stderr.log"] as const;

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
 * Rotates `stdout.log` and `stderr.log` in `logDir` once they reach `maxBytes`, keeping `keep` old
 * copies (`.1` newest … `.keep` oldest). Copy-then-truncate, because the running instance holds the
 * file open itself: with O_APPEND its next write lands at the start of the emptied file. Lines written
 * between the copy and the truncation are lost (the usual copytruncate trade-off). Returns the files rotated.
 */
export async function rotateLogs(logDir: string, maxBytes: number, keep: number): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1)
    throw new RangeError(`keep must be a whole number >= 1, got ${keep}`);
  const rotated: string[] = [];
  for (const name of STREAM_FILES) {
    const path = join(logDir, name);
    const size = await sizeOf(path);
    if (size === undefined || size === 0 || size < maxBytes) continue;
    for (let index = keep - 1; index >= 1; index--)
      await renameIfExists(`${path}.${index}`, `${path}.${index + 1}`);
    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    rotated.push(path);
  }
  return rotated;
}

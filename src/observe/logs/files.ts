import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { LogFileLines } from "./timeline.js";

/** Rotated copies are `.1` … `.n` without gaps (see targets/process/log-rotation.ts); at most this many. */
const MAX_ROTATED = 100;

/**
 * A stream's files, oldest first (`stdout.log.n` … `.1`, then `stdout.log`), each with its whole lines
 * (a rotated file's unterminated last line too) and modification time; the current file's length read.
 */
export async function readStreamFiles(
  logDir: string,
  stream: "stdout" | "stderr",
): Promise<{
  readonly files: LogFileLines[];
  readonly currentLength: number;
  readonly rotatedInode: number | undefined;
}> {
  const path = join(logDir, `${stream}.log`);
  const rotated: string[] = [];
  while (rotated.length < MAX_ROTATED && (await stat(`${path}.${rotated.length + 1}`).catch(() => undefined)))
    rotated.push(`${path}.${rotated.length + 1}`);
  const files: LogFileLines[] = [];
  for (const file of rotated.reverse()) {
    const [bytes, info] = await Promise.all([
      readFile(file).catch(() => undefined),
      stat(file).catch(() => undefined),
    ]);
    if (!bytes || !info) continue;
    files.push({
      lines: bytes
        .toString("utf8")
        .split("\n")
        .filter((l, i, all) => l !== "" || i < all.length - 1),
      mtimeMs: info.mtimeMs,
    });
  }
  const rotatedInode = (await stat(`${path}.1`).catch(() => undefined))?.ino;
  const [current, info] = await Promise.all([
    readFile(path).catch(() => Buffer.alloc(0)),
    stat(path).catch(() => undefined),
  ]);
  const currentLength = current.lastIndexOf(10) + 1;
  const lines = current.subarray(0, currentLength).toString("utf8").split("\n");
  lines.pop();
  if (info) files.push({ lines, mtimeMs: info.mtimeMs });
  return { files, currentLength, rotatedInode };
}

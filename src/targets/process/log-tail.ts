import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Which captured stream of an instance: `stdout.log` or `stderr.log` (and their rotated copies). */
export type LogStream = "stdout" | "stderr";

/** Where a reader stands in one stream, so following continues exactly after what it read. */
interface LogCursor {
  /** Bytes of the current file already read (always at a line end). */
  readonly offset: number;
  /** Inode of the newest rotated file (`.1`) when the current file was read; a new one means a rotation. */
  readonly rotatedInode: number | undefined;
}

/** Rotated files are `.1` … `.n` without gaps; no more than this many are looked at. */
const MAX_ROTATED_FILES = 100;
/** Polls a shrunken current file waits for its rotation to finish (the new `.1`) before reading it from the start. */
const SHRUNK_POLLS = 8;

async function inodeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  try {
    const bytes = await readFile(path);
    return bytes.subarray(Math.min(offset, bytes.length));
  } catch {
    return Buffer.alloc(0);
  }
}

/** Whole lines of `bytes`; with `partial` also an unterminated last line. */
function linesOf(bytes: Buffer, partial: boolean): string[] {
  const lines = bytes.toString("utf8").split("\n");
  const last = lines.pop();
  if (partial && last) lines.push(last);
  return lines;
}

/** Bytes up to and including the last newline. */
const completeLength = (bytes: Buffer) => bytes.lastIndexOf(10) + 1;

function rotatedPaths(path: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${path}.${count - index}`);
}

async function rotatedCount(path: string): Promise<number> {
  let count = 0;
  while (count < MAX_ROTATED_FILES && (await inodeOf(`${path}.${count + 1}`)) !== undefined) count++;
  return count;
}

/**
 * The last `tail` lines of one stream (all when undefined), oldest first: from the rotated files
 * (oldest, `.n`, first) as far back as needed, then the current file. Also a cursor to follow from.
 */
export async function readStreamTail(
  logDir: string,
  stream: LogStream,
  tail?: number,
): Promise<{ readonly lines: readonly string[]; readonly cursor: LogCursor }> {
  const path = join(logDir, `${stream}.log`);
  const rotatedInode = await inodeOf(`${path}.1`);
  const current = await readFrom(path, 0);
  const offset = completeLength(current);
  let lines = linesOf(current.subarray(0, offset), false);
  const older = rotatedPaths(path, await rotatedCount(path)).reverse();
  for (const file of older) {
    if (tail !== undefined && lines.length >= tail) break;
    lines = [...linesOf(await readFrom(file, 0), true), ...lines];
  }
  if (tail !== undefined) lines = tail <= 0 ? [] : lines.slice(-tail);
  return { lines, cursor: { offset, rotatedInode } };
}

/**
 * Follows one stream across rotations: each `poll` returns the lines written since the last one.
 * After a rotation (a new `.1`), the rest of the rotated file is read from where the reader stood,
 * then the new current file from its start. A current file that shrank while `.1` stayed the same is
 * a rotation in progress (see `rotateLogs` for the order of its steps), so the poll waits for it.
 */
export class LogFollower {
  private readonly path: string;
  private shrunkPolls = 0;

  constructor(
    logDir: string,
    stream: LogStream,
    private cursor: LogCursor,
  ) {
    this.path = join(logDir, `${stream}.log`);
  }

  async poll(): Promise<string[]> {
    const rotatedInode = await inodeOf(`${this.path}.1`);
    const lines: string[] = [];
    if (rotatedInode !== this.cursor.rotatedInode) {
      // `.1` missing after it existed: the old copies are being shifted; the next poll sees the result.
      if (rotatedInode === undefined) return [];
      lines.push(...(await this.readRotations()));
      this.cursor = { offset: 0, rotatedInode };
    } else {
      const size = (await stat(this.path).catch(() => undefined))?.size ?? 0;
      if (size < this.cursor.offset) {
        if (++this.shrunkPolls < SHRUNK_POLLS) return [];
        this.cursor = { ...this.cursor, offset: 0 }; // Emptied by something else than a rotation.
      }
    }
    this.shrunkPolls = 0;
    const fresh = await readFrom(this.path, this.cursor.offset);
    const length = completeLength(fresh);
    this.cursor = { ...this.cursor, offset: this.cursor.offset + length };
    return [...lines, ...linesOf(fresh.subarray(0, length), false)];
  }

  /** The rotated files made since the last poll, oldest first; the oldest continues at the reader's offset. */
  private async readRotations(): Promise<string[]> {
    const count = await rotatedCount(this.path);
    let known = count + 1;
    for (let index = 1; index <= count; index++) {
      if ((await inodeOf(`${this.path}.${index}`)) === this.cursor.rotatedInode) known = index;
    }
    // The file the reader stood in became `.known-1`. When the old `.1` is gone, the oldest file kept
    // is taken as that file: right when exactly as many rotations happened as copies are kept, and when
    // more did, whole files were rotated away unread anyway — better a few more lines lost than repeated.
    const lines: string[] = [];
    for (const [position, file] of rotatedPaths(this.path, known - 1).entries())
      lines.push(...linesOf(await readFrom(file, position === 0 ? this.cursor.offset : 0), true));
    return lines;
  }
}

import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** One line an instance wrote, and to which stream. */
export interface LogLine {
  readonly stream: "stdout" | "stderr";
  readonly line: string;
}

export interface LogTailOptions {
  /** Last N lines per stream; older lines come from the newest rotated file (`.1`) when needed. Default: all of the current file. */
  readonly tail?: number;
  /**
   * Files last written before this are skipped. The lines carry no timestamps, so a file written
   * since is returned whole: `since` only filters whole files. Default: no filter.
   */
  readonly since?: Date;
}

async function readLines(path: string, since: Date | undefined): Promise<string[]> {
  try {
    if (since && (await stat(path)).mtime < since) return [];
    const lines = (await readFile(path, "utf8")).split("\n");
    if (lines.at(-1) === "") lines.pop();
    return lines;
  } catch {
    return [];
  }
}

async function streamTail(
  logDir: string,
  stream: LogLine["stream"],
  options: LogTailOptions,
): Promise<LogLine[]> {
  const path = join(logDir, `${stream}.log`);
  let lines = await readLines(path, options.since);
  if (options.tail !== undefined) {
    if (lines.length < options.tail) lines = [...(await readLines(`${path}.1`, options.since)), ...lines];
    lines = options.tail === 0 ? [] : lines.slice(-options.tail);
  }
  return lines.map((line) => ({ stream, line }));
}

/** Reads an instance's captured output: stdout lines, then stderr lines, each in file order. */
export async function readLogTail(logDir: string, options: LogTailOptions = {}): Promise<LogLine[]> {
  return [...(await streamTail(logDir, "stdout", options)), ...(await streamTail(logDir, "stderr", options))];
}

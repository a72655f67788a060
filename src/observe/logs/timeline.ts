/** One captured line with the time it is placed at. */
export interface TimedLine {
  /** Milliseconds since the epoch: when slipway saw it (following), or estimated (history, see below). */
  readonly ts: number;
  readonly service: string;
  /** The instance id without the project, e.g. `api.r7.0`. */
  readonly instance: string;
  readonly stream: "stdout" | "stderr";
  readonly line: string;
}

/** A log file's whole lines with its last modification time. */
export interface LogFileLines {
  readonly lines: readonly string[];
  readonly mtimeMs: number;
}

/**
 * Times for the lines of a stream's files (oldest file first). Processes write their files directly,
 * so no line carries a time: each file's lines are spread evenly from where the previous file ended
 * (or the instance's start) up to its own last modification. Lines of one stream keep their order.
 */
export function estimateTimes(
  files: readonly LogFileLines[],
  startedAt: number,
): { ts: number; line: string }[] {
  const out: { ts: number; line: string }[] = [];
  let from = startedAt;
  for (const file of files) {
    const to = Math.max(from, file.mtimeMs);
    const n = file.lines.length;
    file.lines.forEach((line, index) => {
      out.push({ ts: n === 1 ? to : from + ((to - from) * (index + 1)) / n, line });
    });
    from = to;
  }
  return out;
}

/** Lines of every stream in one order by time; equal times keep their stream's order. */
export function mergeByTime(streams: readonly (readonly TimedLine[])[]): TimedLine[] {
  return streams
    .flatMap((lines, streamIndex) => lines.map((line, index) => ({ line, streamIndex, index })))
    .sort((a, b) => a.line.ts - b.line.ts || a.streamIndex - b.streamIndex || a.index - b.index)
    .map(({ line }) => line);
}

/** What `logs` keeps: lines in [since, until] whose text matches `grep`. */
export interface LineFilter {
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly grep?: RegExp | undefined;
}

export function keepLine(line: TimedLine, filter: LineFilter): boolean {
  if (line.line === "") return false;
  if (filter.since !== undefined && line.ts < filter.since) return false;
  if (filter.until !== undefined && line.ts > filter.until) return false;
  return filter.grep === undefined || filter.grep.test(line.line);
}

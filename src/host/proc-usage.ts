import { readFileSync } from "node:fs";
import { statFields } from "./proc-stat.js";

/** Linux's USER_HZ (clock ticks per second in /proc) and page size on every architecture slipway runs on. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** What a process has used: CPU time so far (user + system) and resident memory now. */
export interface ProcUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** Parses one `/proc/PID/stat` line. */
export function parseProcUsage(line: string): ProcUsage | undefined {
  const fields = statFields(line);
  if (!fields) return undefined;
  // Field N is at index N - 3: utime 14, stime 15, rss 24 (pages).
  const [utime, stime, rss] = [Number(fields[11]), Number(fields[12]), Number(fields[21])];
  if (![utime, stime, rss].every(Number.isFinite)) return undefined;
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rss * PAGE_BYTES };
}

/** Reads a process's usage; undefined when it does not exist (any more) or has no PID here. */
export function readProcUsage(pid: number): ProcUsage | undefined {
  if (!(pid > 0)) return undefined;
  try {
    return parseProcUsage(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

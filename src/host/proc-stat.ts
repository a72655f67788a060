import { readFileSync } from "node:fs";

/** The fields of `/proc/PID/stat` the driver needs. */
export interface ProcStat {
  /** One letter: `R`, `S`, `D`, `Z` (zombie), … */
  readonly state: string;
  readonly processGroup: number;
  /** Clock ticks since boot (field 22), kept as a string like `InstanceHandle.startTime`. */
  readonly startTime: string;
}

/**
 * The fields of one `/proc/PID/stat` line after the command name, which sits in parentheses and may
 * itself contain spaces and parentheses: counted from the LAST `)`. Field 3 (state) is at index 0,
 * so field N is at index N - 3. Undefined for a line that is not one.
 */
export function statFields(line: string): string[] | undefined {
  const close = line.lastIndexOf(")");
  if (close < 0) return undefined;
  return line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
}

/**
 * Parses one `/proc/PID/stat` line. The command name (field 2) sits in parentheses and may itself
 * contain spaces and parentheses, so fields are counted from the LAST `)`.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const fields = statFields(line);
  if (!fields) return undefined;
  const state = fields[0];
  const processGroup = Number(fields[5 - 3]);
  const startTime = fields[22 - 3];
  if (!state || !startTime || !Number.isInteger(processGroup)) return undefined;
  return { state, processGroup, startTime };
}

/** Reads `/proc/PID/stat`; undefined when the process does not exist (any more). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** The handle's process still exists, is the same one (start time matches) and is not a zombie. */
/** A process as slipway remembers it: its PID and kernel start time (a reused PID has another). */
interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string;
}

export function isSameLiveProcess(handle: ProcessIdentity): boolean {
  const stat = readProcStat(handle.pid);
  return stat !== undefined && stat.startTime === handle.startTime && stat.state !== "Z";
}

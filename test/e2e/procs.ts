import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { readProcStat } from "../../src/host/proc-stat.js";

/* What runs, read from /proc: how the tests count processes and find what to clean up. */

/** `/proc/PID/stat` field 22 (start time in clock ticks); undefined if the process is gone or a zombie. */
export function startTimeOf(pid: number): string | undefined {
  const stat = readProcStat(pid);
  return stat === undefined || stat.state === "Z" ? undefined : stat.startTime;
}

/** Whether the process exists and is not a zombie. */
export const isAlive = (pid: number): boolean => startTimeOf(pid) !== undefined;

export function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** PIDs of live processes whose environment contains exactly `NAME=value`. */
export function pidsWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted) && isAlive(pid))
        pids.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

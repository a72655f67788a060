import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";

/** What the driver sees of the nginx processes, read from /proc (Linux). */

interface ProcessInfo {
  readonly state: string;
  readonly parent: number;
  readonly title: string;
}

function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may contain anything; fields follow the last ")".
    const fields = stat
      .slice(stat.lastIndexOf(")") + 1)
      .trim()
      .split(/\s+/);
    const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ").trim();
    return { state: fields[0] ?? "", parent: Number(fields[1]), title };
  } catch {
    return undefined;
  }
}

/** Exists and is not a zombie (a dead master whose parent has not reaped it yet). */
export function isAlive(pid: number): boolean {
  const info = processInfo(pid);
  return info !== undefined && info.state !== "Z";
}

/** The pid in `pidFile` when it is a live nginx master (not a recycled pid). */
export function runningMaster(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const info = processInfo(pid);
  return info && info.state !== "Z" && info.title.startsWith("nginx: master process") ? pid : undefined;
}

/** The master's workers; `current` leaves out old ones still finishing requests after a reload. */
export function workerPids(masterPid: number, which: "current" | "all" = "current"): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processInfo(Number(entry));
    if (!info || info.parent !== masterPid || info.state === "Z") continue;
    if (!info.title.startsWith("nginx: worker process")) continue;
    if (which === "current" && info.title.includes("shutting down")) continue;
    pids.push(Number(entry));
  }
  return pids;
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** `[emerg]`/`[alert]`/`[crit]` lines written to the error log after `offset`. */
export function errorsSince(file: string, offset: number): string {
  const size = fileSize(file);
  if (size <= offset) return "";
  const buffer = Buffer.alloc(Math.min(size - offset, 64 * 1024));
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return String(buffer)
    .split("\n")
    .filter((line) => /\[(emerg|alert|crit)\]/.test(line))
    .join("\n");
}

/** Polls `check` until it returns something other than undefined, or `timeoutMs` passes. */
export async function poll<T>(
  check: () => T | undefined,
  timeoutMs: number,
  intervalMs = 20,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Sends a signal; false when the process is already gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

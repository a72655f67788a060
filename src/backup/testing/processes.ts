import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { statFields } from "../../host/proc-stat.js";

/** PIDs of this process's running (not zombie) children named `program` (`zstd`, `tail`). */
export function runningChildren(program: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = statFields(stat); // field 3 (state) at index 0, field 4 (parent) at 1
        return stat.includes(`(${program})`) && Number(fields?.[1]) === process.pid && fields?.[0] !== "Z";
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Stops a child by its pid: `signal`, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, signal);
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `ready` until it resolves true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms`);
}

/** Kills children still running when the test process exits (a crashed suite never leaves servers behind). */
export function killOnExit(child: ChildProcess): void {
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {}
    }
  };
  process.once("exit", kill);
  child.once("exit", () => process.removeListener("exit", kill));
}

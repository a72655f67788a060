import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { readProcStat } from "../../host/proc-stat.js";
import type { LaunchCommand } from "./launch-command.js";

/** How a spawned child ended, as its 'exit' event reported it. */
interface ChildExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface SpawnedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startTime: string;
  /** Settles on the child's 'exit' event (listened for from the moment of spawning, so none is missed). */
  readonly exited: Promise<ChildExit>;
}

/**
 * Spawns `command` in its own session (so its process group can be signalled as a whole) with exactly
 * `env`, and waits for 'spawn' or 'error'. The start time is read from /proc right away, before the
 * event loop can reap a child that exits at once.
 */
export async function spawnChild(
  command: LaunchCommand,
  options: {
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
    readonly stdio: StdioOptions;
  },
): Promise<SpawnedChild> {
  const child = spawn(command.file, [...command.args], {
    argv0: command.argv0,
    env: { ...options.env },
    cwd: options.cwd,
    stdio: options.stdio,
    detached: true,
    ...(command.uid !== undefined ? { uid: command.uid } : {}),
    ...(command.gid !== undefined ? { gid: command.gid } : {}),
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
  });
  const startTime = child.pid === undefined ? undefined : readProcStat(child.pid)?.startTime;
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  if (child.pid === undefined || startTime === undefined) {
    child.kill("SIGKILL");
    throw new Error(`process ${child.pid} vanished before its start time could be read`);
  }
  return { child, pid: child.pid, startTime, exited };
}

import { writeSync } from "node:fs";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { ExecResult } from "../target.js";
import type { LaunchCommand } from "./launch-command.js";
import type { ProcessLaunchSpec } from "./launch-spec.js";
import type { LogFiles } from "./log-files.js";
import { OutputTail } from "./output-tail.js";
import { killInstanceGroup } from "./process-group.js";
import { spawnChild } from "./spawn-child.js";
import { spawnFailureReason, targetStartError } from "./start-error.js";

/** How long to wait for the output pipes to drain after the process exited. */
const DRAIN_MS = 1000;

function collect(stream: Readable | null, tail: OutputTail, logFd: number | undefined): void {
  stream?.on("data", (chunk: Buffer) => {
    tail.append(chunk);
    try {
      if (logFd !== undefined) writeSync(logFd, chunk);
    } catch {
      // A full disk must not crash the agent; the output still reaches the result.
    }
  });
  stream?.on("error", () => {});
}

/**
 * Runs `command` to completion in its own process group with the spec's env and cwd, collecting the
 * last 4 KiB of stdout and stderr (and appending them to `logs` when given). On timeout the whole group
 * is SIGKILLed; when the main process exits, whatever it left running in its group is killed too, as a
 * container's processes die with it. Rejects (E_TARGET_START) only when spawning itself fails.
 */
export async function runToCompletion(
  command: LaunchCommand,
  spec: ProcessLaunchSpec,
  timeoutMs: number,
  logs?: LogFiles,
): Promise<ExecResult> {
  const spawned = await spawnChild(command, {
    env: spec.env,
    cwd: spec.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  }).catch((error: unknown) => {
    throw targetStartError([command.file, ...command.args], spawnFailureReason(error, command.file), error);
  });
  const { child, pid } = spawned;
  const tail = new OutputTail();
  collect(child.stdout, tail, logs?.stdout);
  collect(child.stderr, tail, logs?.stderr);
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Node sets exitCode/signalCode when it reaps the child; until then the group id is still ours.
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Exited in the meantime.
    }
  }, timeoutMs);
  const exit = await spawned.exited;
  clearTimeout(timer);
  killInstanceGroup({ id: spec.id, pid, startTime: spawned.startTime, startedAt: 0 });
  await Promise.race([closed, sleep(DRAIN_MS)]);
  child.stdout?.destroy();
  child.stderr?.destroy();
  return { exitCode: exit.exitCode, signal: exit.signal, timedOut, output: tail.toString() };
}

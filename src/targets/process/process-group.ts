import { readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isSameLiveProcess, readProcStat } from "../../host/proc-stat.js";
import type { InstanceHandle } from "../target.js";

/*
 * Every instance runs in its own session, so its process group id is its PID. Signals go to the whole
 * group, but only after checking the PID still belongs to the handle's process: a reused PID is never
 * signalled. (Node has no pidfd_send_signal, so a PID freed and reused between the check and the kill
 * cannot be ruled out; the window is microseconds, and for a child of this agent that has not been
 * reaped yet it does not exist at all.)
 */

/** Sends `signal` to the handle's process group (or its PID alone); false if it is not the same process. */
export function signalInstance(handle: InstanceHandle, signal: NodeJS.Signals): boolean {
  if (!isSameLiveProcess(handle)) return false;
  try {
    process.kill(-handle.pid, signal);
  } catch {
    try {
      process.kill(handle.pid, signal);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The live (non-zombie) members of the handle's process group. Empty when the PID now belongs to an
 * unrelated process: a group id cannot be handed out again while the group still has members, so
 * when the leader is gone, any member left is one the instance started.
 */
function liveGroupMembers(handle: InstanceHandle): number[] {
  const leader = readProcStat(handle.pid);
  if (leader !== undefined && leader.startTime !== handle.startTime) return [];
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (stat?.processGroup === handle.pid && stat.state !== "Z") members.push(pid);
  }
  return members;
}

/** SIGKILLs what is left of the instance's process group (the leader included, if still there). */
export function killInstanceGroup(handle: InstanceHandle): void {
  if (signalInstance(handle, "SIGKILL")) return;
  if (liveGroupMembers(handle).length === 0) return;
  try {
    process.kill(-handle.pid, "SIGKILL");
  } catch {
    // Gone in the meantime.
  }
}

/** Poll interval while waiting for a process group to empty. */
const GROUP_POLL_MS = 50;

/** True once neither the process nor anything in its group is left; polls until `ms` passed. */
export async function groupGoneWithin(handle: InstanceHandle, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isSameLiveProcess(handle) && liveGroupMembers(handle).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(GROUP_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

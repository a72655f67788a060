import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../errors.js";
import { isSameLiveProcess, readProcStat } from "../host/proc-stat.js";

/** A lock being written (opened, content not yet in) is trusted for this long before it counts as stale. */
const WRITING_GRACE_MS = 2000;

const lockFile = (home: string) => join(home, "agent.lock");

function readOwner(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Whether the lock text names a living process (PID and kernel start time), or is too fresh to judge. */
function isHeld(file: string, owner: string): boolean {
  const [pid, startTime] = owner.split(" ");
  if (pid && startTime) return isSameLiveProcess({ pid: Number(pid), startTime });
  try {
    return Date.now() - statSync(file).mtimeMs < WRITING_GRACE_MS;
  } catch {
    return false;
  }
}

function running(home: string, owner: string): SlipwayError {
  return new SlipwayError({
    code: "E_AGENT_RUNNING",
    message: `agent ${owner.split(" ")[0] || "(starting)"} already runs for ${home}`,
    hint: "it answers once it has started; stop it with `slipway agent stop`",
  });
}

/**
 * Takes the home's agent lock: `agent.lock` created exclusively (`O_EXCL`), holding this process's
 * PID and kernel start time, so of two agents started at the same moment exactly one runs. A lock
 * whose process is gone (or whose PID now belongs to another process) is stale: it is moved aside
 * and taken again, and a lock another agent took meanwhile is put back rather than removed.
 * Returns the function that releases it.
 */
export function lockHome(home: string): () => void {
  const file = lockFile(home);
  const stat = readProcStat(process.pid);
  const mine = `${process.pid} ${stat?.startTime ?? ""}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      return () => {
        if (readOwner(file) === mine) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(file);
    if (owner === undefined) continue;
    if (owner === mine) return () => rmSync(file, { force: true });
    if (isHeld(file, owner)) throw running(home, owner);
    const aside = `${file}.stale.${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = readOwner(aside);
    if (moved !== owner) {
      // Another agent replaced the stale lock between our read and the rename: give it back.
      try {
        linkSync(aside, file);
      } catch {
        // A third one took the path meanwhile; it holds the lock.
      }
      rmSync(aside, { force: true });
      throw running(home, moved ?? "");
    }
    rmSync(aside, { force: true });
  }
  throw running(home, readOwner(file) ?? "");
}

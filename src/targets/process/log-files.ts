import { chmodSync, chownSync, closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { UnixIdentity } from "../../host/users.js";

/** File descriptors of an instance's `stdout.log` and `stderr.log`, opened for appending. */
export interface LogFiles {
  readonly stdout: number;
  readonly stderr: number;
}

/**
 * Creates `logDir` (owned by `owner` when given) and opens both log files with O_APPEND. The child
 * gets these descriptors directly, not a pipe, so it keeps logging when the agent dies, and writes
 * land at the end of the file even after `rotateLogs` truncated it.
 */
export function openLogFiles(logDir: string, owner?: UnixIdentity): LogFiles {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  // Its own: another service (running as another user) cannot even list it.
  chmodSync(logDir, 0o700);
  const open = (name: string) => {
    const path = join(logDir, name);
    const fd = openSync(path, "a", 0o600);
    if (owner) chownSync(path, owner.uid, owner.gid);
    return fd;
  };
  if (owner) chownSync(logDir, owner.uid, owner.gid);
  const stdout = open("stdout.log");
  try {
    return { stdout, stderr: open("stderr.log") };
  } catch (error) {
    closeSync(stdout);
    throw error;
  }
}

export function closeLogFiles(files: LogFiles): void {
  closeSync(files.stdout);
  closeSync(files.stderr);
}

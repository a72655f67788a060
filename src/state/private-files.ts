import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from "node:fs";

/** Mode of every file slipway keeps in its home (state, logs, secrets, keys): its owner's only. */
export const PRIVATE_FILE = 0o600;
/** Mode of the home and of slipway's own directories in it. */
export const PRIVATE_DIR = 0o700;

/** Creates `dir` (and parents) and makes it `0700` whatever the umask. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
}

/**
 * The home: `0700` whatever the umask or an earlier `chmod`. Only traverse bits stay, and only when
 * granted on purpose (a service running as another user must reach its own data directory).
 */
export function ensurePrivateHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(home, PRIVATE_DIR | (statSync(home).mode & 0o011));
}

/** Makes an existing file `0600` (a no-op when it does not exist). */
export function makePrivate(path: string): void {
  if (existsSync(path)) chmodSync(path, PRIVATE_FILE);
}

/** Opens `path` for appending as a `0600` file whatever the umask (logs the agent and its helpers write). */
export function openPrivateAppend(path: string): number {
  const fd = openSync(path, "a", PRIVATE_FILE);
  try {
    fchmodSync(fd, PRIVATE_FILE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Creates an empty `0600` file unless it exists, so that nothing ever sees it with the umask's mode. */
export function createPrivateFile(path: string): void {
  closeSync(openPrivateAppend(path));
}

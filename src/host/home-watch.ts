import { statSync } from "node:fs";

/** The directory's inode, or undefined when it is gone. */
function inodeOf(dir: string): number | undefined {
  try {
    return statSync(dir).ino;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once `home` is removed or replaced by another directory (`rm -rf` of a test's or a
 * user's state directory): a data-plane process of that home has nobody left to configure or stop
 * it, and would otherwise hold its ports for ever. The timer does not keep the process alive.
 */
export function whenHomeGone(home: string, onGone: () => void, intervalMs = 2000): void {
  const inode = inodeOf(home);
  const timer = setInterval(() => {
    if (inodeOf(home) === inode && inode !== undefined) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
}

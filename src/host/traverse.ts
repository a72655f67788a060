import { chmodSync, existsSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";

/**
 * Directories from `root` down to `target`'s parent, `root` first; empty when `target` is not
 * inside `root`. Pure: the path walk of `grantTraverse`.
 */
export function traversePath(root: string, target: string): string[] {
  const rel = relative(resolve(root), resolve(target));
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) return [];
  const dirs: string[] = [];
  for (let dir = dirname(resolve(target)); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dir === resolve(root) || dir === dirname(dir)) break;
  }
  return dirs;
}

/** Pure: a passage's mode — others may pass (`o+x`) but never list or write (`o-rw`). */
export const passageMode = (mode: number): number => (mode & 0o7777 & ~0o006) | 0o001;

/**
 * Lets other users pass through (`o+x`, never read or list: `o-rw` too) the directories between
 * `root` and `target`, so a service that runs as another user reaches its own directory in a private
 * home; what it finds on the way stays `0600`/`0700`.
 */
export function grantTraverse(root: string, target: string): void {
  for (const dir of traversePath(root, target)) {
    if (!existsSync(dir)) return;
    const mode = statSync(dir).mode & 0o7777;
    if (passageMode(mode) !== mode) chmodSync(dir, passageMode(mode));
  }
}

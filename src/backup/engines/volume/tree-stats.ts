import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { CheckResult } from "../../engine.js";

/** What a directory tree holds, not counting the root itself. */
export interface TreeStats {
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  /** Sum of the sizes of regular files. */
  readonly bytes: number;
}

/** Counts a tree the way `TreeCounter` counts what tar packs. */
export async function treeStats(root: string): Promise<TreeStats> {
  const stats = new TreeCounter();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const info = await lstat(path);
      stats.add(info);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return stats.total();
}

/** Tallies entries as they are packed (or walked). */
export class TreeCounter {
  private files = 0;
  private directories = 0;
  private symlinks = 0;
  private bytes = 0;

  add(info: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; size: number }): void {
    if (info.isFile()) {
      this.files++;
      this.bytes += info.size;
    } else if (info.isDirectory()) this.directories++;
    else if (info.isSymbolicLink()) this.symlinks++;
  }

  total(): TreeStats {
    return { files: this.files, directories: this.directories, symlinks: this.symlinks, bytes: this.bytes };
  }
}

/** The tree check of a verification: the same numbers of files, directories and links, the same bytes. */
export function compareTrees(expected: TreeStats, actual: TreeStats): CheckResult {
  const describe = (s: TreeStats) =>
    `${s.files} files, ${s.directories} directories, ${s.symlinks} links, ${s.bytes} bytes`;
  const same = (Object.keys(expected) as (keyof TreeStats)[]).every((key) => expected[key] === actual[key]);
  return same
    ? { name: "tree", ok: true, message: `${describe(actual)}, as backed up` }
    : { name: "tree", ok: false, message: `restored ${describe(actual)}; backed up ${describe(expected)}` };
}

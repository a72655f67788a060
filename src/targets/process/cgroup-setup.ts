import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { CgroupPlan } from "./cgroup-layout.js";

/** Creates the plan's directories and writes its limits; on failure removes what it created. */
export function applyCgroupPlan(
  plan: CgroupPlan,
): { readonly ok: true } | { readonly ok: false; readonly error: string } {
  try {
    for (const dir of plan.dirs) mkdirSync(dir, { recursive: true });
    for (const write of plan.writes) {
      try {
        writeFileSync(write.file, write.value);
      } catch (error) {
        if (!write.optional) throw error;
      }
    }
    return { ok: true };
  } catch (error) {
    for (const dir of plan.dirs) tryRemoveDir(dir);
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function tryRemoveDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * Best-effort removal of an instance's cgroup directories. A cgroup can only be removed once the
 * kernel has moved its last (killed) process out, which lags a little behind the exit, so retry briefly.
 */
export async function removeCgroupDirs(dirs: readonly string[], attempts = 10): Promise<void> {
  let left = dirs.filter((dir) => existsSync(dir));
  for (let attempt = 0; left.length > 0 && attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(50);
    left = left.filter((dir) => !tryRemoveDir(dir));
  }
}

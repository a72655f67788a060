import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessLaunchSpec } from "./launch-spec.js";

type CgroupController = "memory" | "cpu" | "pids";
const CONTROLLERS: readonly CgroupController[] = ["memory", "cpu", "pids"];
/** CFS period used for cpu limits (100 ms, the kernel default). */
const CPU_PERIOD_US = 100_000;

/** Which cgroup hierarchy this machine offers and which controllers the agent may write. */
export interface CgroupLayout {
  /** `v2`: unified hierarchy at `root`; `v1`: one hierarchy per controller at `root/<controller>`. */
  readonly kind: "v1" | "v2" | "none";
  readonly root: string;
  readonly writable: ReadonlySet<CgroupController>;
}

function isWritableDir(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks at `root` (default `/sys/fs/cgroup`) once; nothing is created. */
export function detectCgroupLayout(root = "/sys/fs/cgroup"): CgroupLayout {
  const unified = join(root, "cgroup.controllers");
  if (existsSync(unified)) {
    const available = readFileSync(unified, "utf8").split(/\s+/);
    const writable = isWritableDir(root) ? CONTROLLERS.filter((c) => available.includes(c)) : [];
    return { kind: "v2", root, writable: new Set(writable) };
  }
  const writable = CONTROLLERS.filter((c) => existsSync(join(root, c)) && isWritableDir(join(root, c)));
  return { kind: writable.length > 0 ? "v1" : "none", root, writable: new Set(writable) };
}

/** What to create and write so one instance runs under its limits. */
export interface CgroupPlan {
  /** Directories to create (and remove after the instance is gone). */
  readonly dirs: readonly string[];
  /** Files to write, in order; `optional` writes may fail (controller already enabled, …). */
  readonly writes: readonly { readonly file: string; readonly value: string; readonly optional?: true }[];
  /** `cgroup.procs` files the launch wrapper writes its own PID to before exec'ing the command. */
  readonly procsFiles: readonly string[];
  /** Limits that were asked for but cannot be enforced here. */
  readonly unenforced: readonly CgroupController[];
}

/** Directory name for an instance id: only characters that are safe in a path component. */
function cgroupName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9._-]/g, "_");
  return name === "." || name === ".." ? "_" : name;
}

/** Every directory an instance's cgroups can live in (for joining by `exec` and for cleanup). */
export function instanceCgroupDirs(layout: CgroupLayout, id: string): string[] {
  if (layout.kind === "v2") return [join(layout.root, "slipway", cgroupName(id))];
  return CONTROLLERS.map((c) => join(layout.root, c, "slipway", cgroupName(id)));
}

function limitWrites(
  controller: CgroupController,
  limits: NonNullable<ProcessLaunchSpec["limits"]>,
  v2: boolean,
) {
  if (controller === "memory")
    return [{ file: v2 ? "memory.max" : "memory.limit_in_bytes", value: `${limits.memoryBytes}` }];
  if (controller === "pids") return [{ file: "pids.max", value: `${limits.pids}` }];
  const quota = Math.max(1000, Math.round((limits.cpus ?? 1) * CPU_PERIOD_US));
  if (v2) return [{ file: "cpu.max", value: `${quota} ${CPU_PERIOD_US}` }];
  return [
    { file: "cpu.cfs_period_us", value: `${CPU_PERIOD_US}` },
    { file: "cpu.cfs_quota_us", value: `${quota}` },
  ];
}

/** Pure: the cgroups an instance with `limits` needs under `layout`. Empty when no limits are set. */
export function planInstanceCgroups(
  layout: CgroupLayout,
  id: string,
  limits: ProcessLaunchSpec["limits"],
): CgroupPlan {
  const wanted = CONTROLLERS.filter((c) =>
    c === "memory"
      ? limits?.memoryBytes !== undefined
      : c === "cpu"
        ? limits?.cpus !== undefined
        : limits?.pids !== undefined,
  );
  const enforced = wanted.filter((c) => layout.kind !== "none" && layout.writable.has(c));
  const unenforced = wanted.filter((c) => !enforced.includes(c));
  if (limits === undefined || enforced.length === 0)
    return { dirs: [], writes: [], procsFiles: [], unenforced };
  if (layout.kind === "v2") {
    const [dir = ""] = instanceCgroupDirs(layout, id);
    const enable = enforced.map((c) => `+${c}`).join(" ");
    return {
      dirs: [dir],
      writes: [
        { file: join(layout.root, "cgroup.subtree_control"), value: enable, optional: true },
        { file: join(layout.root, "slipway", "cgroup.subtree_control"), value: enable, optional: true },
        ...enforced
          .flatMap((c) => limitWrites(c, limits, true))
          .map((w) => ({ ...w, file: join(dir, w.file) })),
      ],
      procsFiles: [join(dir, "cgroup.procs")],
      unenforced,
    };
  }
  const dirs = enforced.map((c) => join(layout.root, c, "slipway", cgroupName(id)));
  const writes = enforced.flatMap((c, i) =>
    limitWrites(c, limits, false).map((w) => ({ ...w, file: join(dirs[i] ?? "", w.file) })),
  );
  return { dirs, writes, procsFiles: dirs.map((dir) => join(dir, "cgroup.procs")), unenforced };
}

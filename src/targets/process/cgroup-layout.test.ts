import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CgroupLayout, detectCgroupLayout, planInstanceCgroups } from "./cgroup-layout.js";

const v1: CgroupLayout = { kind: "v1", root: "/cg", writable: new Set(["memory", "cpu", "pids"]) };
const v2: CgroupLayout = { kind: "v2", root: "/cg", writable: new Set(["memory", "cpu", "pids"]) };
const limits = { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pids: 100 };

describe("planInstanceCgroups", () => {
  it("plans one directory per controller on cgroup v1", () => {
    const plan = planInstanceCgroups(v1, "shop.api.r1.1", limits);
    expect(plan.dirs).toEqual([
      "/cg/memory/slipway/shop.api.r1.1",
      "/cg/cpu/slipway/shop.api.r1.1",
      "/cg/pids/slipway/shop.api.r1.1",
    ]);
    expect(plan.writes).toEqual([
      { file: "/cg/memory/slipway/shop.api.r1.1/memory.limit_in_bytes", value: "67108864" },
      { file: "/cg/cpu/slipway/shop.api.r1.1/cpu.cfs_period_us", value: "100000" },
      { file: "/cg/cpu/slipway/shop.api.r1.1/cpu.cfs_quota_us", value: "50000" },
      { file: "/cg/pids/slipway/shop.api.r1.1/pids.max", value: "100" },
    ]);
    expect(plan.procsFiles).toHaveLength(3);
    expect(plan.unenforced).toEqual([]);
  });

  it("plans one directory with enabled controllers on cgroup v2", () => {
    const plan = planInstanceCgroups(v2, "a/b", { memoryBytes: 1000, cpus: 2 });
    expect(plan.dirs).toEqual(["/cg/slipway/a_b"]);
    expect(plan.writes).toEqual([
      { file: "/cg/cgroup.subtree_control", value: "+memory +cpu", optional: true },
      { file: "/cg/slipway/cgroup.subtree_control", value: "+memory +cpu", optional: true },
      { file: "/cg/slipway/a_b/memory.max", value: "1000" },
      { file: "/cg/slipway/a_b/cpu.max", value: "200000 100000" },
    ]);
    expect(plan.procsFiles).toEqual(["/cg/slipway/a_b/cgroup.procs"]);
  });

  it("needs nothing without limits and reports limits it cannot enforce", () => {
    expect(planInstanceCgroups(v1, "x", undefined).dirs).toEqual([]);
    const partial = planInstanceCgroups({ ...v1, writable: new Set(["pids"]) }, "x", limits);
    expect(partial.dirs).toEqual(["/cg/pids/slipway/x"]);
    expect(partial.unenforced).toEqual(["memory", "cpu"]);
    expect(
      planInstanceCgroups({ kind: "none", root: "/cg", writable: new Set() }, "x", limits).unenforced,
    ).toHaveLength(3);
  });
});

describe("detectCgroupLayout", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("tells v2, v1 and none apart", () => {
    root = mkdtempSync(join(tmpdir(), "slipway-cgroup-"));
    expect(detectCgroupLayout(root).kind).toBe("none");
    mkdirSync(join(root, "pids"));
    expect(detectCgroupLayout(root)).toEqual({ kind: "v1", root, writable: new Set(["pids"]) });
    writeFileSync(join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    expect(detectCgroupLayout(root).kind).toBe("v2");
    expect([...detectCgroupLayout(root).writable]).toEqual(["memory", "cpu", "pids"]);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detectCgroupLayout } from "./cgroup-layout.js";
import { processFixtures } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

const layout = detectCgroupLayout();
const enforcing = new ProcessRunner().capabilities.enforcesLimits;
if (!enforcing) console.warn("process-target limit tests skipped: cgroups are not writable here");
const MiB = 1024 * 1024;

/** The instance's cgroup directory for `controller` (v1) or its single unified one (v2). */
const cgroupDir = (id: string, controller: string) =>
  layout.kind === "v2" ? `${layout.root}/slipway/${id}` : `${layout.root}/${controller}/slipway/${id}`;

describe.skipIf(!enforcing)("ProcessRunner resource limits", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner(), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("puts the instance in cgroups with its limits from the start, and removes them after stop", async () => {
    const spec = h.spec(["sleep", "30"], { limits: { memoryBytes: 64 * MiB, cpus: 0.5, pids: 50 } });
    const handle = await h.start(spec);
    const memory = cgroupDir(spec.id, "memory");
    const limitFile = layout.kind === "v2" ? "memory.max" : "memory.limit_in_bytes";
    expect(readFileSync(`${memory}/${limitFile}`, "utf8").trim()).toBe(String(64 * MiB));
    expect(readFileSync(`${cgroupDir(spec.id, "pids")}/pids.max`, "utf8").trim()).toBe("50");
    // start() resolves once the process exists; the wrapper joins the cgroups just before exec'ing sleep.
    await vi.waitFor(() =>
      expect(readFileSync(`${memory}/cgroup.procs`, "utf8").split("\n")).toContain(String(handle.pid)),
    );
    await h.target.stop(handle, "SIGTERM", 2000);
    expect(existsSync(memory)).toBe(false);
    expect(existsSync(cgroupDir(spec.id, "pids"))).toBe(false);
  });

  it("kills a job that allocates beyond its memory limit", { timeout: 15_000 }, async () => {
    const allocate =
      "const a=[];for(let i=0;i<32;i++)a.push(Buffer.alloc(16*1024*1024,1));console.log('survived')";
    const spec = h.spec([process.execPath, "-e", allocate], {
      kind: "job",
      limits: { memoryBytes: 96 * MiB },
    });
    const result = await h.target.runJob(spec, 10_000);
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: false });
    expect(result.output).not.toContain("survived");
    expect(existsSync(cgroupDir(spec.id, "memory"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import type { StateStore } from "./store.js";
import { openTestState, sampleRelease } from "./test-support.js";

let clock = 1_700_000_000_000;
const now = (): number => clock;

function storeWithRelease(): StateStore {
  const store = openTestState(undefined, { now });
  store.insertRelease(sampleRelease("shop"));
  return store;
}

const backup = { project: "shop", service: "backup", releaseId: "r1", kind: "schedule" } as const;

describe("job runs", () => {
  it("is running until finished, then records exit code and output", () => {
    const store = storeWithRelease();
    const run = store.startJobRun(backup);
    expect(run).toEqual({
      id: run.id,
      ...backup,
      startedAt: clock,
      finishedAt: undefined,
      exitCode: undefined,
      outputTail: undefined,
    });
    expect(store.runningJobRun("shop", "backup", "schedule")?.id).toBe(run.id);
    expect(store.runningJobRun("shop", "backup", "migrate")).toBeUndefined();

    clock += 2_000;
    const done = store.finishJobRun(run.id, { exitCode: 0, outputTail: "dumped 3 tables\n" });
    expect(done).toMatchObject({ finishedAt: clock, exitCode: 0, outputTail: "dumped 3 tables\n" });
    expect(store.runningJobRun("shop", "backup", "schedule")).toBeUndefined();
    expect(() => store.finishJobRun(run.id, { exitCode: 1 })).toThrow(
      expect.objectContaining({ code: "E_JOB_RUN_FINISHED" }),
    );
    expect(() => store.finishJobRun(999, { exitCode: 1 })).toThrow(
      expect.objectContaining({ code: "E_JOB_RUN_NOT_FOUND" }),
    );
  });

  it("keeps a null exit code (killed by a signal) apart from a running run", () => {
    const store = storeWithRelease();
    const run = store.startJobRun(backup);
    const killed = store.finishJobRun(run.id, { exitCode: null });
    expect(killed.exitCode).toBeNull();
    expect(killed.finishedAt).toBe(clock);
  });

  it("refuses an exclusive run while one of the same kind runs", () => {
    const store = storeWithRelease();
    const first = store.startJobRun({ ...backup, exclusive: true });
    expect(() => store.startJobRun({ ...backup, exclusive: true })).toThrow(
      expect.objectContaining({ code: "E_JOB_RUNNING" }),
    );
    // Other services, other kinds and non-exclusive runs are not held back.
    store.startJobRun({ ...backup, service: "report", exclusive: true });
    store.startJobRun({ ...backup, kind: "run", exclusive: true });
    store.startJobRun(backup);
    store.finishJobRun(first.id, { exitCode: 0 });
    store.finishJobRun(store.runningJobRun("shop", "backup", "schedule")!.id, { exitCode: 0 });
    expect(store.startJobRun({ ...backup, exclusive: true }).finishedAt).toBeUndefined();
  });

  it("lists newest first, filtered by service, with a limit", () => {
    const store = storeWithRelease();
    const a = store.startJobRun(backup);
    const b = store.startJobRun({ ...backup, service: "migrate", kind: "migrate" });
    const c = store.startJobRun(backup);
    expect(store.listJobRuns("shop").map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(store.listJobRuns("shop", { service: "backup" }).map((r) => r.id)).toEqual([c.id, a.id]);
    expect(store.listJobRuns("shop", { limit: 1 }).map((r) => r.id)).toEqual([c.id]);
    expect(store.listJobRuns("blog")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { settle, updateTaskEnded } from "./settle.js";
import type { EngineTask } from "./tasks.js";

let serial = 0;
/** A task as the Engine API lists it, of `release`, in `state`, wanting `desired`. */
function task(release: string, state: string, desired = "running", err?: string): EngineTask {
  serial++;
  return {
    ID: `t${serial}`,
    ServiceID: "s1",
    NodeID: "n1",
    Slot: serial,
    CreatedAt: new Date(1_000_000 + serial * 1000).toISOString(),
    DesiredState: desired,
    Spec: { ContainerSpec: { Env: ["A=1", `SLIPWAY_RELEASE=${release}`] } },
    Status: { State: state, Err: err },
  };
}

describe("settle", () => {
  it("waits while the update runs, then converges when only the new release's tasks run", () => {
    const updating = settle(
      {
        updateState: "updating",
        desired: 2,
        tasks: [task("r2", "running"), task("r1", "running", "shutdown")],
      },
      "r2",
    );
    expect(updating).toMatchObject({
      settled: false,
      progress: { running: 1, desired: 2, byNode: { n1: 2 } },
    });
    const done = settle(
      {
        updateState: "completed",
        desired: 2,
        tasks: [task("r2", "running"), task("r2", "running"), task("r1", "shutdown", "shutdown")],
      },
      "r2",
    );
    expect(done).toMatchObject({ settled: true, outcome: "converged" });
  });

  it("is not done while an old task still runs (start-first), even when the update says completed", () => {
    const verdict = settle(
      {
        updateState: "completed",
        desired: 1,
        tasks: [task("r2", "running"), task("r1", "running", "shutdown")],
      },
      "r2",
    );
    expect(verdict.settled).toBe(false);
  });

  it("reports Swarm's rollback and pause with the failing task of the new release", () => {
    const failed = task("r2", "failed", "shutdown", "task: non-zero exit (1)");
    const rolledBack = settle(
      {
        updateState: "rollback_completed",
        updateMessage: "rollback completed",
        desired: 1,
        tasks: [task("r1", "running"), failed],
      },
      "r2",
    );
    expect(rolledBack).toMatchObject({
      settled: true,
      outcome: "rolled-back",
      message: "rollback completed: task: non-zero exit (1)",
      failedTasks: [{ ID: failed.ID }],
    });
    expect(settle({ updateState: "paused", desired: 1, tasks: [failed] }, "r2")).toMatchObject({
      settled: true,
      outcome: "paused",
    });
    expect(settle({ updateState: "rollback_started", desired: 1, tasks: [failed] }, "r2").settled).toBe(
      false,
    );
  });

  it("fails a new service (nothing to roll back to) after repeated task failures of its release", () => {
    const tasks = [1, 2, 3].map(() => task("r1", "failed", "shutdown", "task: non-zero exit (2)"));
    expect(settle({ desired: 1, tasks: tasks.slice(0, 2) }, "r1").settled).toBe(false);
    expect(settle({ desired: 1, tasks }, "r1")).toMatchObject({
      settled: true,
      outcome: "failed",
      message: "task: non-zero exit (2)",
    });
  });
});

describe("updateTaskEnded", () => {
  it("sees a task of this update that ended before it ran, but not one of an earlier run of the release", () => {
    const ended = task("r2", "complete", "shutdown");
    const since = Date.parse(ended.CreatedAt!);
    expect(
      updateTaskEnded({ updateState: "updating", updateStartedAt: since, desired: 2, tasks: [ended] }, "r2"),
    ).toBe(true);
    expect(
      updateTaskEnded(
        { updateState: "updating", updateStartedAt: since + 1, desired: 2, tasks: [ended] },
        "r2",
      ),
    ).toBe(false);
    expect(
      updateTaskEnded(
        { updateState: "rollback_started", updateStartedAt: since, desired: 2, tasks: [ended] },
        "r2",
      ),
    ).toBe(false);
    expect(
      updateTaskEnded(
        { updateState: "updating", updateStartedAt: since, desired: 2, tasks: [task("r2", "running")] },
        "r2",
      ),
    ).toBe(false);
  });

  it("counts only tasks made under the spec's ForceUpdate: a restart of the same release converges once its tasks are replaced", () => {
    const forced = (state: string, force: number, desired = "running"): EngineTask => {
      const made = task("r1", state, desired);
      return { ...made, Spec: { ...made.Spec, ForceUpdate: force } };
    };
    // Right after the forced update was accepted, Swarm has not begun: the old tasks still run.
    const accepted = settle(
      { forceUpdate: 1, desired: 2, tasks: [forced("running", 0), forced("running", 0)] },
      "r1",
    );
    expect(accepted).toMatchObject({ settled: false, progress: { running: 0, desired: 2 } });
    const replaced = settle(
      {
        updateState: "completed",
        forceUpdate: 1,
        desired: 2,
        tasks: [forced("running", 1), forced("running", 1), forced("shutdown", 0, "shutdown")],
      },
      "r1",
    );
    expect(replaced).toMatchObject({ settled: true, outcome: "converged" });
  });
});

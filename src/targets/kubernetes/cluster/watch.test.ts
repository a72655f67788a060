import { describe, expect, it } from "vitest";
import { deploymentProgress, jobProgress, statefulSetProgress } from "./watch.js";

const deployment = (replicas: number, status: Record<string, unknown>) => ({ spec: { replicas }, status });

describe("judging a rollout as `kubectl rollout status` does", () => {
  it("waits until the controller has seen the applied generation", () => {
    const live = deployment(2, {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(deploymentProgress(live, 4)).toMatchObject({
      done: false,
      waiting: expect.stringContaining("generation"),
    });
    expect(deploymentProgress(live, 3)).toEqual({ done: true });
  });

  it("waits for updated, then old replicas gone, then available", () => {
    expect(
      deploymentProgress(deployment(3, { observedGeneration: 1, updatedReplicas: 1, replicas: 4 }), 1),
    ).toMatchObject({ waiting: "1 of 3 replicas updated" });
    expect(
      deploymentProgress(deployment(3, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 }), 1),
    ).toMatchObject({ waiting: "1 old replicas terminating" });
    expect(
      deploymentProgress(
        deployment(3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
        1,
      ),
    ).toMatchObject({ waiting: "2 of 3 updated replicas available" });
  });

  it("fails when the Progressing condition says the deadline passed", () => {
    const live = deployment(2, {
      observedGeneration: 1,
      updatedReplicas: 1,
      conditions: [
        { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "timed out" },
      ],
    });
    expect(deploymentProgress(live, 1)).toEqual({ done: false, failed: "timed out", waiting: "" });
  });

  it("a StatefulSet is done when every replica is updated, ready and on one revision", () => {
    const base = { observedGeneration: 2, updatedReplicas: 1, readyReplicas: 1 };
    expect(
      statefulSetProgress(
        { spec: { replicas: 1 }, status: { ...base, currentRevision: "a", updateRevision: "b" } },
        2,
      ),
    ).toMatchObject({ done: false });
    expect(
      statefulSetProgress(
        { spec: { replicas: 1 }, status: { ...base, currentRevision: "b", updateRevision: "b" } },
        2,
      ),
    ).toEqual({ done: true });
  });

  it("a Job is done when Complete and failed when Failed", () => {
    expect(jobProgress({ status: { conditions: [{ type: "Complete", status: "True" }] } })).toEqual({
      done: true,
    });
    expect(
      jobProgress({
        status: {
          conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded", message: "too long" }],
        },
      }),
    ).toEqual({
      done: false,
      failed: "DeadlineExceeded: too long",
      waiting: "",
    });
    expect(jobProgress({ status: { active: 1 } })).toMatchObject({ done: false, waiting: "1 running" });
  });
});

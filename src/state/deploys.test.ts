import { describe, expect, it } from "vitest";
import { SlipwayError } from "../errors.js";
import type { StateStore } from "./store.js";
import { deadPid, openTestState, sampleRelease } from "./test-support.js";

let clock = 1_700_000_000_000;
const now = (): number => clock;

/** A store on a fresh file with releases r1 and r2 of "shop". */
function storeWithReleases(): StateStore {
  const store = openTestState(undefined, { now });
  store.insertRelease(sampleRelease("shop"));
  store.insertRelease(sampleRelease("shop"));
  return store;
}

describe("deploys", () => {
  it("records a running deploy owned by this process and finishes it", () => {
    const store = storeWithReleases();
    const { deploy, interrupted } = store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    expect(interrupted).toBeUndefined();
    expect(deploy).toEqual({
      id: deploy.id,
      project: "shop",
      releaseId: "r1",
      fromReleaseId: undefined,
      kind: "deploy",
      startedAt: clock,
      finishedAt: undefined,
      status: "running",
      error: undefined,
      ownerPid: process.pid,
    });
    expect(store.runningDeploy("shop")?.id).toBe(deploy.id);
    clock += 5_000;
    const done = store.finishDeploy(deploy.id, "succeeded");
    expect([done.status, done.finishedAt]).toEqual(["succeeded", clock]);
    expect(store.runningDeploy("shop")).toBeUndefined();
    expect(() => store.finishDeploy(deploy.id, "failed")).toThrow(
      expect.objectContaining({ code: "E_DEPLOY_FINISHED" }),
    );
    expect(() => store.finishDeploy(999, "failed")).toThrow(
      expect.objectContaining({ code: "E_DEPLOY_NOT_FOUND" }),
    );
  });

  it("refuses a second deploy while the owner of the running one is alive", () => {
    const store = storeWithReleases();
    const { deploy } = store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    let caught: unknown;
    try {
      store.startDeploy({ project: "shop", releaseId: "r2", fromReleaseId: "r1", kind: "deploy" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SlipwayError);
    expect(caught).toMatchObject({ code: "E_DEPLOY_IN_PROGRESS" });
    expect((caught as Error).message).toContain("release r1");
    expect((caught as Error).message).toContain(new Date(deploy.startedAt).toISOString());
    // Another project has its own lock.
    store.insertRelease(sampleRelease("blog"));
    expect(store.startDeploy({ project: "blog", releaseId: "r1", kind: "deploy" }).deploy.status).toBe(
      "running",
    );
  });

  it("the lock holds across two stores on one file", () => {
    const agent = storeWithReleases();
    const cli = openTestState(agent.file, { now });
    agent.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    expect(() => cli.startDeploy({ project: "shop", releaseId: "r2", kind: "deploy" })).toThrow(
      expect.objectContaining({ code: "E_DEPLOY_IN_PROGRESS" }),
    );
  });

  it("reports the running deploy of a dead owner as interrupted and lets a new one start", () => {
    const store = storeWithReleases();
    const crashed = store.startDeploy({
      project: "shop",
      releaseId: "r1",
      kind: "deploy",
      ownerPid: deadPid(),
    });
    clock += 1_000;
    const { deploy, interrupted } = store.startDeploy({
      project: "shop",
      releaseId: "r2",
      fromReleaseId: "r1",
      kind: "rollback",
    });
    expect(interrupted).toMatchObject({ id: crashed.deploy.id, status: "interrupted", finishedAt: clock });
    expect(deploy).toMatchObject({
      releaseId: "r2",
      fromReleaseId: "r1",
      kind: "rollback",
      status: "running",
    });
    // The caller resolves the interrupted deploy once it has rolled it back.
    const resolved = store.finishDeploy(crashed.deploy.id, "rolled-back", new Error("agent died mid-deploy"));
    expect(resolved.error).toEqual({ name: "Error", message: "agent died mid-deploy" });
  });

  it("markInterruptedDeploys finds a dead owner's deploy without starting one", () => {
    const store = storeWithReleases();
    const crashed = store.startDeploy({
      project: "shop",
      releaseId: "r1",
      kind: "deploy",
      ownerPid: deadPid(),
    });
    expect(store.markInterruptedDeploys("shop").map((d) => [d.id, d.status])).toEqual([
      [crashed.deploy.id, "interrupted"],
    ]);
    expect(store.markInterruptedDeploys("shop")).toEqual([]);
    expect(store.runningDeploy("shop")).toBeUndefined();
  });

  it("keeps a live owner's deploy running when looking for interrupted ones", () => {
    const store = storeWithReleases();
    store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    expect(store.markInterruptedDeploys("shop")).toEqual([]);
    expect(store.runningDeploy("shop")?.status).toBe("running");
  });

  it("refuses a deploy of an unknown release and stores errors as JSON", () => {
    const store = storeWithReleases();
    expect(() => store.startDeploy({ project: "shop", releaseId: "r9", kind: "deploy" })).toThrow(
      expect.objectContaining({ code: "E_RELEASE_NOT_FOUND" }),
    );
    const { deploy } = store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    const failed = store.finishDeploy(deploy.id, "failed", { step: "health", instance: "shop.api.r1.0" });
    expect(failed.error).toEqual({ step: "health", instance: "shop.api.r1.0" });
  });

  it("lists newest first with a limit", () => {
    const store = storeWithReleases();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { deploy } = store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
      store.finishDeploy(deploy.id, "succeeded");
      ids.push(deploy.id);
    }
    expect(store.listDeploys("shop", 2).map((d) => d.id)).toEqual([ids[2], ids[1]]);
    expect(store.listDeploys("shop")).toHaveLength(3);
    expect(store.getDeploy(ids[0]!)?.status).toBe("succeeded");
  });
});

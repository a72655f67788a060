import { describe, expect, it } from "vitest";
import type { InstanceRecord } from "./instances.js";
import type { StateStore } from "./store.js";
import { openTestState, sampleRelease } from "./test-support.js";

let clock = 1_700_000_000_000;
const now = (): number => clock;

function storeWithReleases(): StateStore {
  const store = openTestState(undefined, { now });
  store.insertRelease(sampleRelease("shop"));
  store.insertRelease(sampleRelease("shop"));
  return store;
}

function instance(service: string, releaseId: string, index: number): InstanceRecord {
  return {
    id: `shop.${service}.${releaseId}.${index}`,
    project: "shop",
    service,
    releaseId,
    serviceHash: `hash-${service}`,
    index,
    pid: 4000 + index,
    startTime: "123456",
    startedAt: 1_700_000_000_000,
    port: 3000 + index,
    state: "starting",
    restarts: 0,
    lastExitCode: null,
  };
}

describe("instances", () => {
  it("inserts, replaces on the same id and stamps updatedAt", () => {
    const store = storeWithReleases();
    const first = store.upsertInstance(instance("api", "r1", 0));
    expect(first).toEqual({ ...instance("api", "r1", 0), lastError: undefined, updatedAt: clock });
    clock += 1_000;
    const replaced = store.upsertInstance({ ...instance("api", "r1", 0), pid: 5000, state: "running" });
    expect([replaced.pid, replaced.state, replaced.updatedAt]).toEqual([5000, "running", clock]);
    expect(store.getInstance(first.id)).toEqual(replaced);
    expect(store.listInstances("shop")).toHaveLength(1);
  });

  it("lists by project, filtered by service and release, ordered by service then index", () => {
    const store = storeWithReleases();
    store.upsertInstance(instance("worker", "r1", 0));
    store.upsertInstance(instance("api", "r2", 1));
    store.upsertInstance(instance("api", "r1", 1));
    store.upsertInstance(instance("api", "r1", 0));
    store.insertRelease(sampleRelease("blog"));
    store.upsertInstance({ ...instance("api", "r1", 0), id: "blog.api.r1.0", project: "blog" });

    const ids = (filter?: { service?: string; releaseId?: string }) =>
      store.listInstances("shop", filter).map((i) => i.id);
    expect(ids()).toEqual(["shop.api.r1.0", "shop.api.r1.1", "shop.api.r2.1", "shop.worker.r1.0"]);
    expect(ids({ service: "api" })).toEqual(["shop.api.r1.0", "shop.api.r1.1", "shop.api.r2.1"]);
    expect(ids({ releaseId: "r1" })).toEqual(["shop.api.r1.0", "shop.api.r1.1", "shop.worker.r1.0"]);
    expect(ids({ service: "api", releaseId: "r2" })).toEqual(["shop.api.r2.1"]);
  });

  it("changes state with extra fields: undefined keeps, null clears", () => {
    const store = storeWithReleases();
    const { id } = store.upsertInstance(instance("api", "r1", 0));
    clock += 1_000;
    const crashed = store.setInstanceState(id, "crashloop", {
      restarts: 5,
      lastExitCode: 137,
      lastError: "killed: out of memory",
      port: null,
    });
    expect(crashed).toMatchObject({
      state: "crashloop",
      restarts: 5,
      lastExitCode: 137,
      lastError: "killed: out of memory",
      port: null,
      pid: 4000,
      updatedAt: clock,
    });
    const restarted = store.setInstanceState(id, "starting", {
      pid: 4100,
      lastError: null,
      lastExitCode: null,
    });
    expect(restarted).toMatchObject({ state: "starting", pid: 4100, restarts: 5, lastExitCode: null });
    expect(restarted.lastError).toBeUndefined();
    expect(() => store.setInstanceState("nope", "stopped")).toThrow(
      expect.objectContaining({ code: "E_INSTANCE_NOT_FOUND" }),
    );
  });

  it("removes instances and refuses one of an unknown release", () => {
    const store = storeWithReleases();
    const { id } = store.upsertInstance(instance("api", "r1", 0));
    expect(store.removeInstance(id)).toBe(true);
    expect(store.removeInstance(id)).toBe(false);
    expect(store.getInstance(id)).toBeUndefined();
    expect(() => store.upsertInstance(instance("api", "r9", 0))).toThrow(
      expect.objectContaining({ code: "E_RELEASE_NOT_FOUND" }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { openTestState, sampleRelease } from "./test-support.js";

describe("releases", () => {
  it("numbers releases per project and derives the id from the number", () => {
    const store = openTestState();
    expect(store.nextReleaseNumber("shop")).toBe(1);
    const first = store.insertRelease(sampleRelease("shop", { note: "first" }));
    const second = store.insertRelease(sampleRelease("shop"));
    const other = store.insertRelease(sampleRelease("blog"));
    expect([first.id, first.number, second.id, other.id]).toEqual(["r1", 1, "r2", "r1"]);
    expect(store.nextReleaseNumber("shop")).toBe(3);
    expect(first).toEqual({
      project: "shop",
      id: "r1",
      number: 1,
      createdAt: 1_700_000_000_000,
      specHash: "sha256:abc",
      spec: { services: { api: { image: "acme/api:1" } } },
      artifactsDir: "/var/lib/slipway/shop/releases/next",
      status: "ready",
      note: "first",
    });
    expect(store.getRelease("shop", "r1")).toEqual(first);
    expect(store.getRelease("shop", "r9")).toBeUndefined();
  });

  it("inserts an explicit number and refuses a taken one", () => {
    const store = openTestState();
    expect(store.insertRelease(sampleRelease("shop", { number: 5 })).id).toBe("r5");
    expect(store.nextReleaseNumber("shop")).toBe(6);
    expect(() => store.insertRelease(sampleRelease("shop", { number: 5 }))).toThrow(
      expect.objectContaining({ code: "E_RELEASE_EXISTS" }),
    );
  });

  it("starts as building by default and lists newest first", () => {
    const store = openTestState();
    store.insertRelease({ ...sampleRelease("shop"), status: undefined });
    store.insertRelease(sampleRelease("shop"));
    expect(store.listReleases("shop").map((r) => [r.id, r.status])).toEqual([
      ["r2", "ready"],
      ["r1", "building"],
    ]);
  });

  it("activating a release supersedes the previously active one", () => {
    const store = openTestState();
    for (let i = 0; i < 3; i++) store.insertRelease(sampleRelease("shop"));
    store.insertRelease(sampleRelease("blog"));
    expect(store.activeRelease("shop")).toBeUndefined();

    const first = store.activateRelease("shop", "r1");
    expect([first.active.id, first.active.status, first.superseded]).toEqual(["r1", "active", undefined]);
    store.activateRelease("blog", "r1");

    const second = store.activateRelease("shop", "r2");
    expect([second.active.id, second.superseded?.id, second.superseded?.status]).toEqual([
      "r2",
      "r1",
      "superseded",
    ]);
    expect(store.activeRelease("shop")?.id).toBe("r2");
    expect(store.activeRelease("blog")?.id).toBe("r1");

    // Rolling back activates a superseded release again; activating the active one changes nothing.
    store.activateRelease("shop", "r1");
    expect(store.activateRelease("shop", "r1").superseded).toBeUndefined();
    expect(store.listReleases("shop").map((r) => [r.id, r.status])).toEqual([
      ["r3", "ready"],
      ["r2", "superseded"],
      ["r1", "active"],
    ]);
  });

  it("setReleaseStatus with active goes through activation", () => {
    const store = openTestState();
    store.insertRelease(sampleRelease("shop"));
    store.insertRelease(sampleRelease("shop"));
    store.activateRelease("shop", "r1");
    expect(store.setReleaseStatus("shop", "r2", "active").status).toBe("active");
    expect(store.getRelease("shop", "r1")?.status).toBe("superseded");
    expect(store.setReleaseStatus("shop", "r2", "failed").status).toBe("failed");
    expect(store.activeRelease("shop")).toBeUndefined();
  });

  it("refuses unknown and still-building releases, leaving the active one alone", () => {
    const store = openTestState();
    store.insertRelease(sampleRelease("shop"));
    store.insertRelease(sampleRelease("shop", { status: "building" }));
    store.activateRelease("shop", "r1");
    expect(() => store.activateRelease("shop", "r7")).toThrow(
      expect.objectContaining({ code: "E_RELEASE_NOT_FOUND" }),
    );
    expect(() => store.activateRelease("shop", "r2")).toThrow(
      expect.objectContaining({ code: "E_RELEASE_NOT_READY" }),
    );
    expect(() => store.setReleaseStatus("shop", "r7", "failed")).toThrow(
      expect.objectContaining({ code: "E_RELEASE_NOT_FOUND" }),
    );
    expect(store.activeRelease("shop")?.id).toBe("r1");
  });
});

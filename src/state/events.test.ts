import { describe, expect, it } from "vitest";
import { openTestState } from "./test-support.js";

describe("events", () => {
  it("returns increasing ids and lists oldest first with every field", () => {
    const store = openTestState(undefined, { now: () => 42 });
    const first = store.addEvent({
      project: "shop",
      service: "api",
      releaseId: "r3",
      kind: "instance.crashloop",
      level: "error",
      message: "api restarted 5 times in 60 s",
      data: { restarts: 5, lastExitCode: 1 },
    });
    const second = store.addEvent({
      project: "shop",
      kind: "deploy.succeeded",
      level: "info",
      message: "ok",
      ts: 7,
    });
    expect(second).toBeGreaterThan(first);
    expect(store.listEvents("shop")).toEqual([
      {
        id: first,
        ts: 42,
        project: "shop",
        service: "api",
        releaseId: "r3",
        kind: "instance.crashloop",
        level: "error",
        message: "api restarted 5 times in 60 s",
        data: { restarts: 5, lastExitCode: 1 },
      },
      {
        id: second,
        ts: 7,
        project: "shop",
        service: undefined,
        releaseId: undefined,
        kind: "deploy.succeeded",
        level: "info",
        message: "ok",
        data: undefined,
      },
    ]);
  });

  it("pages with afterId and limit, filtered by project and service", () => {
    const store = openTestState();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        store.addEvent({
          project: "shop",
          service: i % 2 ? "worker" : "api",
          kind: "k",
          level: "info",
          message: `${i}`,
        }),
      );
      store.addEvent({ project: "blog", kind: "k", level: "info", message: "other project" });
    }
    const messages = (query: Parameters<typeof store.listEvents>[1]) =>
      store.listEvents("shop", query).map((e) => e.message);

    expect(messages({ limit: 2 })).toEqual(["0", "1"]);
    expect(messages({ afterId: ids[1], limit: 2 })).toEqual(["2", "3"]);
    expect(messages({ afterId: ids[3] })).toEqual(["4"]);
    expect(messages({ afterId: ids[4] })).toEqual([]);
    expect(messages({ service: "api", afterId: ids[0] })).toEqual(["2", "4"]);
  });
});

import { describe, expect, it } from "vitest";
import type { Upstream } from "../model.js";
import { Balancer } from "./balancer.js";

const up = (id: string, state: Upstream["state"] = "active"): Upstream => ({
  id,
  host: "127.0.0.1",
  port: 1,
  state,
});
const active = (upstream: Upstream) => upstream.state === "active";

describe("Balancer", () => {
  it("gives sets exactly their weighted share, smoothly interleaved", () => {
    const balancer = new Balancer();
    const sets = [
      { version: "r1", weight: 90, upstreams: [up("a")] },
      { version: "r2", weight: 10, upstreams: [up("b")] },
    ];
    const picks = Array.from({ length: 1000 }, () => balancer.pick("route", sets, active)?.set.version);
    expect(picks.filter((version) => version === "r2")).toHaveLength(100);
    expect(picks.slice(0, 10).filter((version) => version === "r2")).toHaveLength(1);
  });

  it("rounds robin inside a set, skipping unusable upstreams, and keeps its place across calls", () => {
    const balancer = new Balancer();
    const sets = [{ version: "r1", weight: 100, upstreams: [up("a"), up("b", "draining"), up("c")] }];
    const ids = Array.from({ length: 4 }, () => balancer.pick("route", sets, active)?.upstream.id);
    expect(ids).toEqual(["a", "c", "a", "c"]);
  });

  it("sends everything to the other set while one has no usable upstream, and nothing to weight 0", () => {
    const balancer = new Balancer();
    const sets = [
      { version: "r1", weight: 50, upstreams: [up("a", "draining")] },
      { version: "r2", weight: 50, upstreams: [up("b")] },
      { version: "r3", weight: 0, upstreams: [up("c")] },
    ];
    const ids = Array.from({ length: 4 }, () => balancer.pick("route", sets, active)?.upstream.id);
    expect(ids).toEqual(["b", "b", "b", "b"]);
    expect(balancer.pick("route", [sets[0]!], active)).toBeUndefined();
  });
});

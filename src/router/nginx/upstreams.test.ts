import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UpstreamSet } from "../model.js";
import { set, upstream } from "./test-config.js";
import { serverWeights, upstreamName } from "./upstreams.js";

const instances = (prefix: string, count: number, state: "active" | "draining" = "active") =>
  Array.from({ length: count }, (_, i) => upstream(`${prefix}${i}`, 3000 + i, state));
const weights = (sets: readonly UpstreamSet[]) =>
  serverWeights(sets).map((s) => `${s.upstream.id}=${s.weight}`);

describe("serverWeights", () => {
  it("splits by set weight whatever the number of instances per set", () => {
    expect(weights([set("r1", 90, instances("a", 3)), set("r2", 10, instances("b", 1))])).toEqual([
      "a0=3",
      "a1=3",
      "a2=3",
      "b0=1",
    ]);
    expect(weights([set("r1", 50, instances("a", 2)), set("r2", 50, instances("b", 3))])).toEqual([
      "a0=3",
      "a1=3",
      "b0=2",
      "b1=2",
      "b2=2",
    ]);
    expect(weights([set("r1", 33.3, instances("a", 1)), set("r2", 66.7, instances("b", 1))])).toEqual([
      "a0=333",
      "b0=667",
    ]);
  });

  it("leaves out draining instances, weight-0 sets and sets with no active instance", () => {
    const mixed = [upstream("a0", 1), upstream("a1", 2, "draining")];
    expect(weights([set("r1", 1, mixed), set("r2", 0, instances("b", 2))])).toEqual(["a0=1"]);
    expect(weights([set("r1", 100, instances("a", 1, "draining")), set("r2", 5, instances("b", 1))])).toEqual(
      ["b0=1"],
    );
    expect(weights([set("r1", 0, instances("a", 1))])).toEqual([]);
    expect(weights([])).toEqual([]);
  });

  it("gives every live set exactly its share of the total weight", () => {
    const arbitrarySet = fc.record({
      weight: fc.integer({ min: 0, max: 100 }),
      active: fc.integer({ min: 0, max: 7 }),
      draining: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(arbitrarySet, { maxLength: 5 }), (specs) => {
        const sets = specs.map((spec, i) =>
          set(`r${i}`, spec.weight, [
            ...instances(`s${i}-`, spec.active),
            ...instances(`d${i}-`, spec.draining, "draining"),
          ]),
        );
        const servers = serverWeights(sets);
        const live = specs.map((spec, i) => ({ ...spec, i })).filter((s) => s.weight > 0 && s.active > 0);
        const total = servers.reduce((sum, s) => sum + s.weight, 0);
        const liveTotal = live.reduce((sum, s) => sum + s.weight, 0);
        expect(servers.every((s) => Number.isInteger(s.weight) && s.weight >= 1)).toBe(true);
        for (const { i, weight } of live) {
          const share = servers.filter((s) => s.version === `r${i}`).reduce((sum, s) => sum + s.weight, 0);
          expect(share * liveTotal).toBe(weight * total);
        }
        expect(servers.every((s) => s.upstream.state === "active")).toBe(true);
      }),
    );
  });
});

describe("upstreamName", () => {
  it("is readable, stable and distinct for ids that slug alike", () => {
    expect(upstreamName("http", "shop/api/0")).toMatch(/^slipway_shop_api_0_[0-9a-f]{6}$/);
    expect(upstreamName("tcp", "shop/db/0")).toMatch(/^slipway_tcp_shop_db_0_[0-9a-f]{6}$/);
    expect(upstreamName("http", "shop/api/0")).toBe(upstreamName("http", "shop/api/0"));
    expect(upstreamName("http", "shop/api/0")).not.toBe(upstreamName("http", "shop.api.0"));
    expect(upstreamName("http", 'x"; }{ $y')).toMatch(/^slipway_[a-z0-9_]+$/);
  });
});

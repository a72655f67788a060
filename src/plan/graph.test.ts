import { describe, expect, it } from "vitest";
import { type DependencyGraph, danglingEdges, findCycle, startLevels } from "./graph.js";

const graph = (edges: Record<string, string[]>): DependencyGraph => new Map(Object.entries(edges));
const name = (i: number): string => `n${String(i).padStart(4, "0")}`;

/** n0000 <- n0001 <- ... : each node depends on the previous one. */
function chain(length: number): Map<string, string[]> {
  return new Map(Array.from({ length }, (_, i) => [name(i), i === 0 ? [] : [name(i - 1)]]));
}

describe("startLevels", () => {
  it("returns no levels for an empty graph", () => {
    expect(startLevels(new Map())).toEqual({ levels: [] });
  });

  it("puts a single node in one level", () => {
    expect(startLevels(graph({ api: [] }))).toEqual({ levels: [["api"]] });
  });

  it("sorts independent nodes within one level", () => {
    expect(startLevels(graph({ web: [], api: [], db: [] }))).toEqual({ levels: [["api", "db", "web"]] });
  });

  it("layers a diamond", () => {
    const g = graph({ app: ["cache", "api"], api: ["db"], cache: ["db"], db: [] });
    expect(startLevels(g)).toEqual({ levels: [["db"], ["api", "cache"], ["app"]] });
  });

  it("layers a chain one node per level", () => {
    expect(startLevels(graph({ c: ["b"], b: ["a"], a: [] }))).toEqual({ levels: [["a"], ["b"], ["c"]] });
  });

  it("ignores edges to unknown nodes and duplicate edges", () => {
    expect(startLevels(graph({ api: ["db", "ghost", "db"], db: [] }))).toEqual({ levels: [["db"], ["api"]] });
  });

  it("reports a cycle instead of levels", () => {
    expect(startLevels(graph({ a: [], api: ["worker"], worker: ["api", "a"] }))).toEqual({
      cycle: ["api", "worker", "api"],
    });
  });

  it("handles a 1,000-node chain and a dense 10,000+ edge DAG quickly", () => {
    const long = chain(1000);
    // 150 nodes each depending on all earlier ones: 11,175 edges.
    const dense = new Map(
      Array.from({ length: 150 }, (_, i) => [name(i), Array.from({ length: i }, (_, j) => name(j))]),
    );
    // Warm up once so the bound measures the algorithm, not JIT compilation on a busy machine.
    startLevels(long);
    startLevels(dense);
    const start = performance.now();
    const levels = startLevels(long);
    const denseLevels = startLevels(dense);
    const elapsed = performance.now() - start;
    expect("levels" in levels && levels.levels.length).toBe(1000);
    expect("levels" in levels && levels.levels[999]).toEqual([name(999)]);
    expect("levels" in denseLevels && denseLevels.levels.length).toBe(150);
    expect(elapsed).toBeLessThan(50);
  });
});

describe("findCycle", () => {
  it("returns undefined for acyclic graphs", () => {
    expect(findCycle(new Map())).toBeUndefined();
    expect(findCycle(graph({ app: ["api", "cache"], api: ["db"], cache: ["db"], db: [] }))).toBeUndefined();
  });

  it("reports a self-dependency", () => {
    expect(findCycle(graph({ a: ["a"] }))).toEqual(["a", "a"]);
  });

  it("reports a 2-cycle without the lead-in path", () => {
    expect(findCycle(graph({ a: ["b"], b: ["c"], c: ["b"] }))).toEqual(["b", "c", "b"]);
  });

  it("reports a 3-cycle without the lead-in path", () => {
    expect(findCycle(graph({ a: ["b"], b: ["c"], c: ["d"], d: ["b"] }))).toEqual(["b", "c", "d", "b"]);
  });

  it("is deterministic regardless of insertion order", () => {
    const edges: [string, string[]][] = [
      ["x", ["y"]],
      ["y", ["x"]],
      ["b", ["a"]],
      ["a", ["b"]],
    ];
    expect(findCycle(new Map(edges))).toEqual(["a", "b", "a"]);
    expect(findCycle(new Map(edges.reverse()))).toEqual(["a", "b", "a"]);
  });

  it("finds a cycle closing a 1,000-node chain without overflowing the stack", () => {
    const g = chain(1000);
    g.set(name(0), [name(999)]);
    const cycle = findCycle(g);
    expect(cycle).toHaveLength(1001);
    expect(cycle?.[0]).toBe(cycle?.[1000]);
    expect(startLevels(g)).toEqual({ cycle });
  });
});

describe("danglingEdges", () => {
  it("returns nothing when all edges resolve", () => {
    expect(danglingEdges(graph({ api: ["db"], db: [] }))).toEqual([]);
  });

  it("lists edges to unknown nodes, sorted and de-duplicated", () => {
    const g = graph({ web: ["ghost", "api"], api: ["zeta", "db", "alpha", "cache", "cache"], db: [] });
    expect(danglingEdges(g)).toEqual([
      { from: "api", to: "alpha" },
      { from: "api", to: "cache" },
      { from: "api", to: "zeta" },
      { from: "web", to: "ghost" },
    ]);
  });
});

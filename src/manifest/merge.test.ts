import { describe, expect, it } from "vitest";
import { mergeValues } from "./merge.js";

describe("mergeValues", () => {
  it("merges lists whose entries are not what the field expects, leaving them for validation", () => {
    for (const key of ["volumes", "secrets", "configs", "ports"]) {
      const odd = [null, 5, {}, { target: 7 }, [1]];
      expect(mergeValues(key, odd, [...odd, "x"]), key).toEqual([...odd, "x"]);
    }
  });

  it("replaces a volume or secret with the same target", () => {
    expect(mergeValues("volumes", ["./a:/data", "/keep"], [{ type: "volume", target: "/data" }])).toEqual([
      { type: "volume", target: "/data" },
      "/keep",
    ]);
    expect(mergeValues("secrets", ["token", { source: "b" }], [{ source: "token" }])).toEqual([
      { source: "token" },
      { source: "b" },
    ]);
  });

  it("merges the short and the long form of build, as the reference does", () => {
    expect(mergeValues("build", "./api", { args: { NODE_IMAGE: "local" } })).toEqual({
      context: "./api",
      args: { NODE_IMAGE: "local" },
    });
    expect(mergeValues("build", { context: "./api", target: "prod" }, "./other")).toEqual({
      context: "./other",
      target: "prod",
    });
  });

  it("reads list entries of list-or-dict fields as their schema does", () => {
    expect(mergeValues("extra_hosts", ["a:1.2.3.4", "b=[::1]"], ["a=5.6.7.8"])).toEqual({
      a: "5.6.7.8",
      b: "[::1]",
    });
    expect(mergeValues("environment", ["A=1", "B"], { A: "2" })).toEqual({ A: "2", B: null });
  });

  it("keeps a list with an entry the field cannot read, so validation reports it", () => {
    expect(mergeValues("environment", [{ A: 1 }], ["B=2"])).toEqual([{ A: 1 }, "B=2"]);
    expect(mergeValues("extra_hosts", ["nohost"], ["a=1.2.3.4"])).toEqual(["nohost", "a=1.2.3.4"]);
    expect(mergeValues("environment", [{ A: 1 }], { B: "2" })).toEqual([{ A: 1 }]);
    expect(mergeValues("labels", { a: "1" }, [null])).toEqual([null]);
  });
});

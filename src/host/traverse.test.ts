import { describe, expect, it } from "vitest";
import { passageMode, traversePath } from "./traverse.js";

describe("traversePath", () => {
  it("lists the directories from the root down to the target's parent", () => {
    expect(traversePath("/h", "/h/volumes/shop/pgdata")).toEqual(["/h", "/h/volumes", "/h/volumes/shop"]);
  });

  it("is empty for a target outside the root (nothing above the home is ever touched)", () => {
    expect(traversePath("/h", "/etc/passwd")).toEqual([]);
    expect(traversePath("/h", "/h/../x")).toEqual([]);
    expect(traversePath("/h", "/h")).toEqual([]);
  });
});

describe("passageMode", () => {
  it("lets others pass but never list or write", () => {
    expect(passageMode(0o700)).toBe(0o701);
    expect(passageMode(0o755)).toBe(0o751);
    expect(passageMode(0o777)).toBe(0o771);
    expect(passageMode(0o2750)).toBe(0o2751);
  });
});

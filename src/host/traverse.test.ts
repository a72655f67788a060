import { describe, expect, it } from "vitest";
import { traversePath } from "./traverse.js";

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

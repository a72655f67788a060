import { describe, expect, it } from "vitest";
import { slipwayPaths } from "./paths.js";

describe("paths under the home", () => {
  const paths = slipwayPaths("/h");

  it("joins ordinary names", () => {
    expect(paths.volume("shop", "pgdata")).toBe("/h/volumes/shop/pgdata");
    expect(paths.logs("shop", "shop.api.r1.0")).toBe("/h/logs/shop/shop.api.r1.0");
  });

  it.each([
    ["volume", () => paths.volume("shop", "..")],
    ["volume with a slash", () => paths.volume("shop", "../../etc")],
    ["project", () => paths.volume("..", "data")],
    ["service", () => paths.run("shop", ".")],
    ["instance", () => paths.logs("shop", "../x")],
    ["artifacts", () => paths.artifacts("..")],
  ])("refuses a %s name that would leave its directory (E_PATH_ESCAPE)", (_kind, make) => {
    expect(make).toThrow(expect.objectContaining({ code: "E_PATH_ESCAPE" }));
  });
});

import { describe, expect, it } from "vitest";
import { bool } from "./scalars.js";

describe("bool", () => {
  it.each([
    [true, true],
    ["true", true],
    ["False", false],
    ["yes", true],
    ["Yes", true],
    ["YES", true],
    ["no", false],
    ["on", true],
    ["OFF", false],
  ])("reads %j as %j, as go-yaml does for a boolean field", (input, expected) => {
    expect(bool.parse(input)).toBe(expected);
  });

  it.each(["yES", "y", "1", "", "constructor", "toString", "maybe"])("refuses %j", (input) => {
    expect(bool.safeParse(input).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { parseRawEnvFile } from "./env-file-raw.js";

const lookup = (name: string) => ({ HOME: "/home/me", EMPTY: "" })[name];

function parse(text: string) {
  const into = new Map<string, string>();
  const { problems } = parseRawEnvFile(text, lookup, into);
  return { vars: Object.fromEntries(into), problems };
}

describe("parseRawEnvFile (env_file format: raw, docker run --env-file's parser)", () => {
  it("keeps each value exactly as written after the first =", () => {
    expect(parse("A=\"q\" 'x' # c  \nB=$HOME\nC=a=b\nD=\n").vars).toEqual({
      A: "\"q\" 'x' # c  ",
      B: "$HOME",
      C: "a=b",
      D: "",
    });
  });

  it("skips blank lines and # comments, trims leading whitespace, a BOM and CR", () => {
    expect(parse("\uFEFF# c\n\n   \t A=1\r\n  # indented comment\nB=2").vars).toEqual({ A: "1", B: "2" });
  });

  it("takes a bare KEY from the lookup, even empty, and skips it when unset", () => {
    expect(parse("HOME\nEMPTY\nNOPE\n").vars).toEqual({ HOME: "/home/me", EMPTY: "" });
  });

  it("reports a key with whitespace and a line without a key, with docker's wording", () => {
    expect(parse("A B=1\n  =x\nC\t=2\nOK=1\n").problems).toEqual([
      { line: 1, column: 1, message: "variable 'A B' contains whitespaces", hint: expect.any(String) },
      { line: 2, column: 3, message: "no variable name on line '=x'", hint: expect.any(String) },
      { line: 3, column: 1, message: "variable 'C\t' contains whitespaces", hint: expect.any(String) },
    ]);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are env-file text, not JS templates
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./env-file.js";

const environment: Record<string, string> = { HOME: "/home/me", EMPTY: "", SHARED: "from-env" };
const lookup = (name: string): string | undefined => environment[name];

const problemsOf = (...lines: string[]) => parseEnvFile(lines.join("\n"), lookup).problems;

describe("parseEnvFile: problems", () => {
  const KEY_HINT = 'a name contains only letters, digits, "_", ".", "-", "[" and "]", and no spaces';

  it("reports a character no key may hold at its column, with compose-go's wording, and keeps going", () => {
    const { vars, problems } = parseEnvFile("A=1\n  A$BC=x\nB=2", lookup);
    expect(Object.fromEntries(vars)).toEqual({ A: "1", B: "2" });
    expect(problems).toEqual([
      { line: 2, column: 4, message: 'unexpected character "$" in variable name "A$BC=x"', hint: KEY_HINT },
    ]);
  });

  it("reports a key with a space at the space", () => {
    expect(problemsOf("A B=x")).toEqual([
      { line: 1, column: 2, message: "key cannot contain a space", hint: KEY_HINT },
    ]);
  });

  it("reports keys with other characters (after export too)", () => {
    expect(problemsOf("A/=1", "export B/C=3", "lol$wut")).toMatchObject([
      { line: 1, column: 2, message: 'unexpected character "/" in variable name "A/=1"' },
      { line: 2, column: 9, message: 'unexpected character "/" in variable name "B/C=3"' },
      { line: 3, column: 4, message: 'unexpected character "$" in variable name "lol$wut"' },
    ]);
  });

  it("reports a bare line of several words (a key with spaces)", () => {
    expect(problemsOf("ok=1", "this is not valid", "")).toMatchObject([
      { line: 2, column: 5, message: "key cannot contain a space" },
    ]);
  });

  it("reports a Unicode space inside a key, which compose-go does not skip there", () => {
    expect(problemsOf("A\u2003=1")).toMatchObject([
      { line: 1, column: 2, message: 'unexpected character "\u2003" in variable name "A\u2003=1"' },
    ]);
  });

  it("reports a bad key in front of a multi-line quoted value", () => {
    expect(problemsOf("X$='a", "B=still quoted'", "C=3")).toMatchObject([{ line: 1, column: 2 }]);
  });

  it("reports an unterminated quote at the quote and resumes on the next line", () => {
    const { vars, problems } = parseEnvFile('A=1\nB = "never closed\nC=3\nD=4', lookup);
    expect(Object.fromEntries(vars)).toEqual({ A: "1", C: "3", D: "4" });
    expect(problems).toEqual([
      { line: 2, column: 5, message: 'unterminated quoted value "never closed', hint: 'add the closing "' },
    ]);
  });

  it("reports an unterminated single quote", () => {
    expect(problemsOf("A='oops")).toMatchObject([
      { line: 1, column: 3, message: "unterminated quoted value 'oops" },
    ]);
  });

  it("reads text after a closing quote as the next statement, and reports it when it is not one", () => {
    const { vars, problems } = parseEnvFile("A='x' y z\nB=2", lookup);
    expect(Object.fromEntries(vars)).toEqual({ A: "x", B: "2" });
    expect(problems).toMatchObject([{ line: 1, column: 8, message: "key cannot contain a space" }]);
  });

  it("reports an interpolation syntax error at the start of the value", () => {
    const { vars, problems } = parseEnvFile("A=1\nB=x${oops\nC=3", lookup);
    expect(Object.fromEntries(vars)).toEqual({ A: "1", C: "3" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      line: 2,
      column: 3,
      message: 'invalid interpolation format for "x${oops"',
    });
    expect(problems[0]?.hint).toContain('"$$"');
  });

  it("reports a missing required variable with compose's wording", () => {
    expect(problemsOf("", 'TOKEN="${SECRET:?set the secret}"')).toEqual([
      {
        line: 2,
        column: 7,
        message: "required variable SECRET is missing a value: set the secret",
        hint: "set SECRET in the environment or in an .env file",
      },
    ]);
  });

  it("counts lines inside multi-line values when reporting later problems", () => {
    expect(problemsOf("A='one", "two", "three'", "B C=1")).toMatchObject([{ line: 4, column: 2 }]);
  });

  it("collects several problems in one pass", () => {
    expect(problemsOf("A%=x", "OK=1", "B=${", "C D", "")).toMatchObject([
      { line: 1 },
      { line: 3 },
      { line: 4 },
    ]);
  });
});

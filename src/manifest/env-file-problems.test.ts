// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are env-file text, not JS templates
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./env-file.js";

const environment: Record<string, string> = { HOME: "/home/me", EMPTY: "", SHARED: "from-env" };
const lookup = (name: string): string | undefined => environment[name];

const problemsOf = (...lines: string[]) => parseEnvFile(lines.join("\n"), lookup).problems;

describe("parseEnvFile: problems", () => {
  it("reports a name starting with a digit at the offending column and keeps going", () => {
    const { vars, problems } = parseEnvFile("A=1\n  1ABC=x\nB=2", lookup);
    expect(Object.fromEntries(vars)).toEqual({ A: "1", B: "2" });
    expect(problems).toEqual([
      {
        line: 2,
        column: 3,
        message: 'invalid variable name "1ABC"',
        hint: 'a name starts with a letter or "_" and contains only letters, digits, "_", ".", "-", "[" and "]"',
      },
    ]);
  });

  it("reports a name with a space at the space", () => {
    expect(problemsOf("A B=x")).toMatchObject([
      { line: 1, column: 2, message: 'invalid variable name "A B"' },
    ]);
  });

  it("reports names with other characters", () => {
    expect(problemsOf("A$=1", "export B/C=3")).toMatchObject([
      { line: 1, column: 2, message: 'invalid variable name "A$"' },
      { line: 2, column: 9, message: 'invalid variable name "B/C"' },
    ]);
  });

  it.each([["A-B"], ["X.Y"], ["com.example.team"], ["ARR[0]"], ["ÜBER"], ["名前"], ["_1"]])(
    "accepts %s as a name, as compose-go's dotenv does",
    (name) => {
      const { vars, problems } = parseEnvFile(`${name}=v`, lookup);
      expect(problems).toEqual([]);
      expect(vars.get(name)).toBe("v");
    },
  );

  it("reports a bare line that is not a name", () => {
    expect(problemsOf("ok=1", "this is not valid")).toMatchObject([
      { line: 2, column: 5, message: 'invalid variable name "this is not valid"' },
    ]);
  });

  it("reports a missing name", () => {
    expect(problemsOf("=value")).toMatchObject([{ line: 1, column: 1, message: "missing variable name" }]);
  });

  it("skips a whole multi-line quoted value whose name is invalid", () => {
    const { vars, problems } = parseEnvFile("1X='a\nB=not a statement'\nC=3", lookup);
    expect(Object.fromEntries(vars)).toEqual({ C: "3" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 1, column: 1 });
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

  it("reports text after a closing quote", () => {
    const { vars, problems } = parseEnvFile("A='x' y\nB=2", lookup);
    expect(Object.fromEntries(vars)).toEqual({ B: "2" });
    expect(problems).toMatchObject([
      { line: 1, column: 7, message: "unexpected text after the closing quote" },
    ]);
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
    expect(problemsOf("1A=x", "OK=1", "B=${", "C D")).toMatchObject([{ line: 1 }, { line: 3 }, { line: 4 }]);
  });
});

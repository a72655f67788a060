// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are env-file text, not JS templates
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./env-file.js";

const environment: Record<string, string> = { HOME: "/home/me", EMPTY: "", SHARED: "from-env" };
const lookup = (name: string): string | undefined => environment[name];

/** Parses `lines` joined with newlines and returns the variables as a plain object. */
function varsOf(...lines: string[]): Record<string, string> {
  const { vars, problems } = parseEnvFile(lines.join("\n"), lookup);
  expect(problems).toEqual([]);
  return Object.fromEntries(vars);
}

describe("parseEnvFile: statements", () => {
  it("returns nothing for an empty file", () => {
    expect(parseEnvFile("", lookup)).toEqual({ vars: new Map(), problems: [], unset: [] });
  });

  it("reads KEY=VALUE lines in order", () => {
    const { vars } = parseEnvFile("A=1\nB=two\n", lookup);
    expect([...vars]).toEqual([
      ["A", "1"],
      ["B", "two"],
    ]);
  });

  it("trims whitespace around the key and the =", () => {
    expect(varsOf("  A = 1", "\tB\t=\t2\t")).toEqual({ A: "1", B: "2" });
  });

  it("accepts an empty value", () => {
    expect(varsOf("A=", "B=   ")).toEqual({ A: "", B: "" });
  });

  it("keeps = signs after the first one in the value", () => {
    expect(varsOf("URL=postgres://db/x?sslmode=disable&a=b", "EQ=a=")).toEqual({
      URL: "postgres://db/x?sslmode=disable&a=b",
      EQ: "a=",
    });
  });

  it("ignores blank lines and comment lines", () => {
    expect(varsOf("# comment", "", "   ", "  # indented comment", "A=1", "#B=2")).toEqual({ A: "1" });
  });

  it("strips a leading export", () => {
    expect(varsOf("export A=1", "export\tB=2", "  export   C = 3")).toEqual({ A: "1", B: "2", C: "3" });
  });

  it("treats export without following whitespace as part of the name", () => {
    expect(varsOf("exportA=1", "export_B=2", "export=3")).toEqual({
      exportA: "1",
      export_B: "2",
      export: "3",
    });
  });

  it("lets a later line override an earlier one", () => {
    expect(varsOf("A=1", "A=2")).toEqual({ A: "2" });
  });

  it("accepts CRLF line endings and a byte-order mark", () => {
    const { vars, problems } = parseEnvFile("\uFEFFA=1\r\nB='x'\r\n# c\r\nC=3", lookup);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(vars)).toEqual({ A: "1", B: "x", C: "3" });
  });
});

describe("parseEnvFile: KEY without =", () => {
  it("takes the value from the lookup when it is set, even empty", () => {
    expect(varsOf("HOME", "EMPTY", "export SHARED", "")).toEqual({
      HOME: "/home/me",
      EMPTY: "",
      SHARED: "from-env",
    });
  });

  it("leaves the variable out when the lookup does not have it", () => {
    const { vars, problems } = parseEnvFile("NOT_IN_ENV\nA=1", lookup);
    expect(problems).toEqual([]);
    expect(vars.has("NOT_IN_ENV")).toBe(false);
    expect(vars.get("A")).toBe("1");
  });

  it("ignores trailing whitespace after the name", () => {
    expect(varsOf("HOME   ", "")).toEqual({ HOME: "/home/me" });
  });

  it("asks only the lookup, never the file: an earlier value stays when the lookup lacks it", () => {
    expect(varsOf("A=1", "A", "HOME=file", "HOME", "")).toEqual({ A: "1", HOME: "/home/me" });
  });

  it("reads a bare name on the last line, with no line break after it, as the value of the empty key (compose-go)", () => {
    expect(varsOf("A=1", "HOME")).toEqual({ A: "1", "": "HOME" });
    expect(varsOf("export SHARED")).toEqual({ "": "SHARED" });
  });
});

describe("parseEnvFile: keys as compose-go reads them", () => {
  it("accepts KEY: value (YAML style), the first = or : ending the key", () => {
    expect(varsOf("OPTION_A: 1", "OPTION_B: Foo=bar", "OPTION_C=1:B", "D:x:y")).toEqual({
      OPTION_A: "1",
      OPTION_B: "Foo=bar",
      OPTION_C: "1:B",
      D: "x:y",
    });
  });

  it("accepts a key starting with a digit (456 = ABC), which interpolation can never name", () => {
    expect(varsOf("456 = ABC", "1X=y")).toEqual({ "456": "ABC", "1X": "y" });
  });

  it("accepts the empty key", () => {
    expect(varsOf('="value"', "= x")).toEqual({ "": "x" });
  });

  it("skips blanks inside a key without reading them as a space (a tab stays part of the key)", () => {
    expect(varsOf("A\tB=1")).toEqual({ "A\tB": "1" });
  });

  it("skips Unicode spaces between statements and trims them after a key", () => {
    expect(varsOf("\u00a0\u2003A\u00a0=1", "\u3000B=2")).toEqual({ A: "1", B: "2" });
  });

  it("accepts export followed by a line break as a statement of its own", () => {
    expect(varsOf("export", "A=1")).toEqual({ A: "1" });
  });
});

describe("parseEnvFile: unquoted values", () => {
  it("trims trailing whitespace", () => {
    expect(varsOf("A=hello world  \t")).toEqual({ A: "hello world" });
  });

  it("ends the value at a space followed by #", () => {
    expect(varsOf("A=bar # a comment", "B=x #", "C=tab\t#not a comment")).toEqual({
      A: "bar",
      B: "x",
      C: "tab\t#not a comment",
    });
  });

  it("keeps a # that is not preceded by a space", () => {
    expect(varsOf("COLOR=#fff", "A=a#b")).toEqual({ COLOR: "#fff", A: "a#b" });
  });

  it("keeps a value starting with # after '= ' (compose-go trims the space before looking for ' #')", () => {
    expect(varsOf("A= #fff")).toEqual({ A: "#fff" });
  });

  it("keeps quotes that do not start the value", () => {
    expect(varsOf(`A=it's "fine"`)).toEqual({ A: `it's "fine"` });
  });

  it("keeps backslashes literally", () => {
    expect(varsOf("A=C:\\path\\n")).toEqual({ A: "C:\\path\\n" });
  });

  it("interpolates variables from the lookup", () => {
    expect(varsOf("A=$HOME/bin", "B=${HOME}", "C=${NOPE:-fallback}", "D=$NOPE")).toEqual({
      A: "/home/me/bin",
      B: "/home/me",
      C: "fallback",
      D: "",
    });
  });

  it("turns $$ into a literal $", () => {
    expect(varsOf("A=$$HOME")).toEqual({ A: "$HOME" });
  });
});

describe("parseEnvFile: variables nothing sets", () => {
  it("become empty and are listed with where they are used, once per use", () => {
    const { vars, unset } = parseEnvFile(
      "A=1\nB=$NOPE-${NOPE}\nC=\"${ALSO}\"\nD=${NOPE:-d}\nE='$NOPE'\n",
      lookup,
    );
    expect(Object.fromEntries(vars)).toEqual({ A: "1", B: "-", C: "", D: "d", E: "$NOPE" });
    expect(unset).toEqual([
      { name: "NOPE", line: 2, column: 3 },
      { name: "ALSO", line: 3, column: 3 },
    ]);
  });
});

describe("parseEnvFile: variables from the same file", () => {
  it("lets a later line reference an earlier variable", () => {
    expect(varsOf("BASE=/srv", "DATA=$BASE/data", 'LOGS="${DATA}/logs"')).toEqual({
      BASE: "/srv",
      DATA: "/srv/data",
      LOGS: "/srv/data/logs",
    });
  });

  it("prefers the lookup over a variable defined earlier in the file (compose-go looks up the environment first)", () => {
    expect(varsOf("SHARED=from-file", "A=$SHARED", 'B="${SHARED}"')).toEqual({
      SHARED: "from-file",
      A: "from-env",
      B: "from-env",
    });
  });

  it("falls back to the lookup for names the file has not defined (yet)", () => {
    expect(varsOf("A=$SHARED", "SHARED=later")).toEqual({ A: "from-env", SHARED: "later" });
  });

  it("sees an empty earlier variable as set", () => {
    expect(varsOf("X=", "A=${X-unset}", "B=${X:-empty}")).toEqual({ X: "", A: "", B: "empty" });
  });

  it("sees variables inherited with a bare KEY line", () => {
    expect(varsOf("HOME", "A=$HOME/x")).toEqual({ HOME: "/home/me", A: "/home/me/x" });
  });

  it("falls back to variables already in the map it is given (earlier files sharing it)", () => {
    const into = new Map([["EARLIER", "e"]]);
    const { vars } = parseEnvFile("A=${EARLIER}-${SHARED}", lookup, into);
    expect(vars).toBe(into);
    expect(Object.fromEntries(vars)).toEqual({ EARLIER: "e", A: "e-from-env" });
  });
});

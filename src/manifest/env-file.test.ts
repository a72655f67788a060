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
    expect(parseEnvFile("", lookup)).toEqual({ vars: new Map(), problems: [] });
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
    expect(varsOf("HOME", "EMPTY", "export SHARED")).toEqual({
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
    expect(varsOf("HOME   ")).toEqual({ HOME: "/home/me" });
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

describe("parseEnvFile: single-quoted values", () => {
  it("takes the text literally: no interpolation, no escapes, # and spaces kept", () => {
    expect(varsOf("A='$HOME ${X:?boom} \\n \\\\ # not a comment  '")).toEqual({
      A: "$HOME ${X:?boom} \\n \\\\ # not a comment  ",
    });
  });

  it("reads an escaped single quote as a quote (compose-go behaviour)", () => {
    expect(varsOf("A='it\\'s'")).toEqual({ A: "it's" });
  });

  it("keeps double quotes inside", () => {
    expect(varsOf(`A='say "hi"'`)).toEqual({ A: 'say "hi"' });
  });

  it("spans several lines", () => {
    expect(varsOf("KEY='-----BEGIN-----", "abc", "-----END-----'", "NEXT=1")).toEqual({
      KEY: "-----BEGIN-----\nabc\n-----END-----",
      NEXT: "1",
    });
  });

  it("allows a comment after the closing quote", () => {
    expect(varsOf("A='x y' # comment", "B='z'#tight")).toEqual({ A: "x y", B: "z" });
  });

  it("allows leading whitespace inside the quotes and before them", () => {
    expect(varsOf("A =   '  padded '")).toEqual({ A: "  padded " });
  });
});

describe("parseEnvFile: double-quoted values", () => {
  it("expands escapes", () => {
    expect(varsOf('A="line1\\nline2\\ttab\\\\back\\"quote\\"\\rcr"')).toEqual({
      A: 'line1\nline2\ttab\\back"quote"\rcr',
    });
  });

  it("keeps unknown escapes as written", () => {
    expect(varsOf('A="\\q\\x41"')).toEqual({ A: "\\q\\x41" });
  });

  it("interpolates variables", () => {
    expect(varsOf('A="home is $HOME"', 'B="${NOPE:-def ault}"')).toEqual({
      A: "home is /home/me",
      B: "def ault",
    });
  });

  it("treats \\$ as a literal $", () => {
    expect(varsOf('A="\\$HOME"', 'B="\\${HOME}"', 'C="cost \\$5 at $HOME"')).toEqual({
      A: "$HOME",
      B: "${HOME}",
      C: "cost $5 at /home/me",
    });
  });

  it("keeps # and surrounding whitespace inside the quotes", () => {
    expect(varsOf('A="  a # b  " # real comment')).toEqual({ A: "  a # b  " });
  });

  it("keeps single quotes inside", () => {
    expect(varsOf(`A="echo 'hi'"`)).toEqual({ A: "echo 'hi'" });
  });

  it("spans several lines and interpolates across them", () => {
    expect(varsOf('A="first', "second $HOME", 'third"', "B=after")).toEqual({
      A: "first\nsecond /home/me\nthird",
      B: "after",
    });
  });

  it("does not end at an escaped quote", () => {
    expect(varsOf('A="a\\"', 'b"')).toEqual({ A: 'a"\nb' });
  });

  it("ends at a quote after an escaped backslash", () => {
    expect(varsOf('A="dir\\\\"', "B=1")).toEqual({ A: "dir\\", B: "1" });
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

  it("prefers a variable defined earlier in the file over the lookup", () => {
    expect(varsOf("SHARED=from-file", "A=$SHARED")).toEqual({ SHARED: "from-file", A: "from-file" });
  });

  it("falls back to the lookup for names the file has not defined (yet)", () => {
    expect(varsOf("A=$SHARED", "SHARED=later")).toEqual({ A: "from-env", SHARED: "later" });
  });

  it("sees an empty earlier variable as set", () => {
    expect(varsOf("HOME=", "A=${HOME-unset}", "B=${HOME:-empty}")).toEqual({ HOME: "", A: "", B: "empty" });
  });

  it("sees variables inherited with a bare KEY line", () => {
    expect(varsOf("HOME", "A=$HOME/x")).toEqual({ HOME: "/home/me", A: "/home/me/x" });
  });
});

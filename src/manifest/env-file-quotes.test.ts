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

  it("expands \\a \\b \\f \\v and keeps \\c, which compose-go matches but Go refuses", () => {
    expect(varsOf('A="\\a\\b\\f\\v\\c"')).toEqual({ A: "\x07\b\f\v\\c" });
  });

  it("reads \\0 followed by three octal digits as that character", () => {
    expect(varsOf('A="\\0123\\0101\\0000x"', 'B="\\0377"', 'C="\\01234"')).toEqual({
      A: "SA\0x",
      B: "\u00ff",
      C: "S4",
    });
  });

  it("keeps the rewritten \\0 sequence when it is no octal escape, as compose-go does", () => {
    expect(varsOf('A="\\0"', 'B="\\01"', 'C="\\012"', 'D="\\0400"', 'E="\\0789"')).toEqual({
      A: "\\",
      B: "\\1",
      C: "\\12",
      D: "\\400",
      E: "\\789",
    });
  });

  it("interpolates a $ that an octal escape produced", () => {
    expect(varsOf('A="\\0044HOME"')).toEqual({ A: "/home/me" });
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

describe("parseEnvFile: after a closing quote", () => {
  it("starts the next statement right after it, on the same line", () => {
    expect(varsOf("A='x' HOME", 'B="y"C=2', "D='z'#tight", "")).toEqual({
      A: "x",
      HOME: "/home/me",
      B: "y",
      C: "2",
      D: "z",
    });
  });

  it("keeps a carriage return inside a quoted value that spans CRLF lines", () => {
    expect(varsOf('A="one\r', 'two"\r', "B=3\r")).toEqual({ A: "one\r\ntwo", B: "3" });
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS templates
import { describe, expect, it } from "vitest";
import { type Interpolated, interpolate } from "./interpolate.js";

/** SET=value, EMPTY="", anything else unset. */
const env: Record<string, string> = { SET: "value", EMPTY: "", OTHER: "other", lower_1: "low" };
const lookup = (name: string): string | undefined => env[name];

const expand = (text: string): Interpolated => interpolate(text, lookup);

/** The value of a successful interpolation; fails the test on an error. */
function valueFor(text: string): string {
  const result = expand(text);
  if (!result.ok) throw new Error(`expected ${text} to interpolate, got: ${result.message}`);
  return result.value;
}

/** The message of a failed interpolation; fails the test on success. */
function errorOf(text: string): { message: string; hint: string } {
  const result = expand(text);
  if (result.ok) throw new Error(`expected ${text} to fail, got value ${JSON.stringify(result.value)}`);
  return result;
}

describe("interpolate: plain references", () => {
  it("leaves text without $ unchanged", () => {
    expect(expand("plain text {}")).toEqual({ ok: true, value: "plain text {}", unset: [] });
  });

  it("replaces $VAR and ${VAR}", () => {
    expect(valueFor("$SET")).toBe("value");
    expect(valueFor("${SET}")).toBe("value");
    expect(valueFor("a-$SET-b")).toBe("a-value-b");
    expect(valueFor("a${SET}b")).toBe("avalueb");
  });

  it("reads the longest name after a bare $", () => {
    // `$SETX` is the variable SETX, not SET followed by X
    expect(valueFor("$SETX")).toBe("");
    expect(valueFor("$SET.x")).toBe("value.x");
    expect(valueFor("$lower_1!")).toBe("low!");
  });

  it("handles several references in one string", () => {
    expect(valueFor("$SET:${OTHER}/$SET")).toBe("value:other/value");
  });

  it("keeps an empty variable empty without reporting it", () => {
    expect(expand("[${EMPTY}][$EMPTY]")).toEqual({ ok: true, value: "[][]", unset: [] });
  });

  it("replaces unset variables with an empty string and reports each name once, in order", () => {
    expect(expand("$NOPE-${MISSING}-$NOPE")).toEqual({ ok: true, value: "--", unset: ["NOPE", "MISSING"] });
  });

  it("passes names to the lookup exactly (case-sensitive)", () => {
    expect(valueFor("$set")).toBe("");
  });
});

describe("interpolate: $ that starts no reference", () => {
  it("turns $$ into a literal $ and does not expand what follows", () => {
    expect(expand("$$SET")).toEqual({ ok: true, value: "$SET", unset: [] });
    expect(valueFor("$${SET}")).toBe("${SET}");
    expect(valueFor("cost: $$5")).toBe("cost: $5");
    expect(valueFor("$$$SET")).toBe("$value");
    expect(valueFor("$$$$")).toBe("$$");
  });

  it("keeps a $ followed by a digit, space, punctuation or the end of text", () => {
    expect(valueFor("$1")).toBe("$1");
    expect(valueFor("a $ b")).toBe("a $ b");
    expect(valueFor("price$")).toBe("price$");
    expect(valueFor("$-x $.y $}")).toBe("$-x $.y $}");
  });
});

describe("interpolate: ${VAR:-default} and ${VAR-default}", () => {
  it(":- uses the variable when it is set and non-empty", () => {
    expect(valueFor("${SET:-fallback}")).toBe("value");
  });

  it(":- uses the default when the variable is empty or unset", () => {
    expect(valueFor("${EMPTY:-fallback}")).toBe("fallback");
    expect(expand("${NOPE:-fallback}")).toEqual({ ok: true, value: "fallback", unset: [] });
  });

  it("- uses the default only when the variable is unset", () => {
    expect(valueFor("${SET-fallback}")).toBe("value");
    expect(valueFor("${EMPTY-fallback}")).toBe("");
    expect(valueFor("${NOPE-fallback}")).toBe("fallback");
  });

  it("allows an empty default without reporting the variable", () => {
    expect(expand("${NOPE:-}")).toEqual({ ok: true, value: "", unset: [] });
    expect(expand("${NOPE-}")).toEqual({ ok: true, value: "", unset: [] });
  });

  it("keeps everything after the first operator in the default", () => {
    expect(valueFor("${NOPE:-a:-b}")).toBe("a:-b");
    expect(valueFor("${NOPE-x:?y}")).toBe("x:?y");
    expect(valueFor("${NOPE:-http://host:80/path?q=1}")).toBe("http://host:80/path?q=1");
  });

  it("allows balanced braces inside a default", () => {
    expect(valueFor('${NOPE:-{"a":1}}')).toBe('{"a":1}');
  });
});

describe("interpolate: ${VAR:+alt} and ${VAR+alt}", () => {
  it(":+ uses the alternative only when the variable is set and non-empty", () => {
    expect(valueFor("${SET:+alt}")).toBe("alt");
    expect(valueFor("${EMPTY:+alt}")).toBe("");
    expect(expand("${NOPE:+alt}")).toEqual({ ok: true, value: "", unset: [] });
  });

  it("+ uses the alternative whenever the variable is set, even empty", () => {
    expect(valueFor("${SET+alt}")).toBe("alt");
    expect(valueFor("${EMPTY+alt}")).toBe("alt");
    expect(valueFor("${NOPE+alt}")).toBe("");
  });
});

describe("interpolate: ${VAR:?error} and ${VAR?error}", () => {
  it(":? returns the value when set and non-empty", () => {
    expect(valueFor("${SET:?must be set}")).toBe("value");
  });

  it(":? fails for empty and unset variables with compose's wording", () => {
    for (const text of ["${EMPTY:?must be set}", "x ${EMPTY:?must be set} y"]) {
      expect(expand(text)).toEqual({
        ok: false,
        message: "required variable EMPTY is missing a value: must be set",
        hint: "set EMPTY in the environment or in an .env file",
      });
    }
    expect(errorOf("${NOPE:?must be set}").message).toBe(
      "required variable NOPE is missing a value: must be set",
    );
  });

  it("? fails only for unset variables", () => {
    expect(valueFor("${SET?oops}")).toBe("value");
    expect(valueFor("${EMPTY?oops}")).toBe("");
    expect(errorOf("${NOPE?oops}").message).toBe("required variable NOPE is missing a value: oops");
  });

  it("drops the colon and reason when the error text is empty", () => {
    expect(errorOf("${NOPE:?}").message).toBe("required variable NOPE is missing a value");
    expect(errorOf("${NOPE?}").message).toBe("required variable NOPE is missing a value");
  });

  it("interpolates the error text", () => {
    expect(errorOf("${NOPE:?set it, like $SET}").message).toBe(
      "required variable NOPE is missing a value: set it, like value",
    );
  });

  it("stops at the first failure even after earlier successes", () => {
    expect(errorOf("$SET ${A:?first} ${B:?second}").message).toBe(
      "required variable A is missing a value: first",
    );
  });
});

describe("interpolate: nesting", () => {
  it("expands references inside a default", () => {
    expect(valueFor("${NOPE:-${SET}}")).toBe("value");
    expect(valueFor("${NOPE:-$SET}")).toBe("value");
    expect(valueFor("${NOPE:-pre-${SET}-post}")).toBe("pre-value-post");
    expect(valueFor("${A:-${B:-x}}")).toBe("x");
    expect(valueFor("${A:-${B:-${C:-deep}}}")).toBe("deep");
    expect(valueFor("${A:-${EMPTY:-${OTHER}}}")).toBe("other");
  });

  it("continues after a nested reference", () => {
    expect(valueFor("${NOPE:-${SET}}/tail and ${OTHER}")).toBe("value/tail and other");
  });

  it("expands references inside an alternative", () => {
    expect(valueFor("${SET:+[${OTHER}]}")).toBe("[other]");
    expect(valueFor("${SET:+${NOPE:-inner}}")).toBe("inner");
  });

  it("reports an unset variable referenced inside a used default", () => {
    expect(expand("${A:-${B}}")).toEqual({ ok: true, value: "", unset: ["B"] });
  });

  it("does not expand a default that is not used", () => {
    expect(expand("${SET:-${B}}")).toEqual({ ok: true, value: "value", unset: [] });
    expect(expand("${SET:-${B:?never}}")).toEqual({ ok: true, value: "value", unset: [] });
    expect(expand("${NOPE:+${B:?never}}")).toEqual({ ok: true, value: "", unset: [] });
  });

  it("propagates a required error from a used default", () => {
    expect(errorOf("${A:-${B:?need B}}").message).toBe("required variable B is missing a value: need B");
  });

  it("keeps $$ inside a default literal", () => {
    expect(valueFor("${NOPE:-$$SET}")).toBe("$SET");
  });
});

describe("interpolate: syntax errors", () => {
  it.each([
    "${",
    "${SET",
    "abc ${SET:-x",
    "${A:-${B}",
    "${}",
    "${1A}",
    "${A B}",
    "${A:}",
    "${A:x}",
    "${A!}",
    "${ SET}",
    "${-x}",
  ])("rejects %s", (text) => {
    const error = errorOf(text);
    expect(error.message).toBe(`invalid interpolation format for ${JSON.stringify(text)}`);
    expect(error.hint).toContain('"$$"');
  });

  it("quotes the whole text in the message, even for a nested error", () => {
    expect(errorOf("x ${A:-${1}} y").message).toBe('invalid interpolation format for "x ${A:-${1}} y"');
  });

  it("does not treat a $$-escaped brace as an unclosed reference", () => {
    expect(valueFor("$${")).toBe("${");
  });
});

describe("secret references", () => {
  it("keeps ${secret:NAME} as written (the store resolves it when an instance starts)", () => {
    const result = interpolate("Bearer ${secret:bot_token}", () => "nope");
    expect(result).toMatchObject({ ok: true, value: "Bearer ${secret:bot_token}" });
  });
});

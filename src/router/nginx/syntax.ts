import { configError } from "./errors.js";

/**
 * nginx.conf syntax: quoting and blocks. Every user-provided string reaches the config through
 * `quoteText` or `quoteLiteral` (or a validator in `validate.ts` that allows only safe characters).
 */

/** Name of the variable holding a literal `$`: nginx strings have no escape for `$` otherwise. */
export const DOLLAR_VARIABLE = "slipway_dollar";

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function rejectNul(value: string, path: string): void {
  if (value.includes("\u0000")) throw configError(path, "contains a NUL character");
}

/**
 * A double-quoted string for a directive that expands variables (`return`, `add_header`, map
 * values): quotes, backslashes and control characters are escaped and `$` is written as
 * `${slipway_dollar}`, so the text comes out exactly as given.
 */
export function quoteText(value: string, path: string): string {
  rejectNul(value, path);
  const escaped = value.replace(/[\\"\n\r\t]/g, (char) => ESCAPES[char] ?? char);
  return `"${escaped.replaceAll("$", `\${${DOLLAR_VARIABLE}}`)}"`;
}

/**
 * A double-quoted string for a value that must not contain variables (file paths, which nginx would
 * otherwise expand per request or per TLS handshake): `$` and control characters are refused.
 */
export function quoteLiteral(value: string, path: string): string {
  rejectNul(value, path);
  if (value.includes("$"))
    throw configError(path, `"${value}" contains "$", which nginx reads as a variable`);
  if ([...value].some((char) => char < " " || char === "\u007f"))
    throw configError(path, "contains a control character");
  return `"${value.replace(/[\\"]/g, (char) => ESCAPES[char] ?? char)}"`;
}

/** A comment line; anything but printable ASCII becomes `?` so a value cannot end the comment. */
export function comment(text: string): string {
  return `# ${text.replace(/[^\x20-\x7e]/g, "?")}`;
}

/** `head { … }` with the body indented by two spaces; `false`/`undefined` lines are left out. */
export function block(
  head: string,
  body: readonly (string | readonly string[] | false | undefined)[],
): string[] {
  const lines = body.flatMap((item) => (item === false || item === undefined ? [] : item));
  return [`${head} {`, ...lines.map((line) => (line === "" ? "" : `  ${line}`)), "}"];
}

/** A duration in nginx's units: whole milliseconds, at least 1. */
export function milliseconds(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/**
 * Long text (a maintenance page) as `geo` variables of at most 1000 characters each, since nginx
 * refuses config tokens of 4 KiB or more. `geo` values are literal, so `$` stays `$`. `reference`
 * is the quoted concatenation for `return`.
 */
export function textVariables(
  name: string,
  text: string,
  path: string,
): { readonly definitions: string[]; readonly reference: string } {
  rejectNul(text, path);
  const characters = Array.from(text);
  const chunks: string[] = [];
  for (let start = 0; start < characters.length; start += 1000)
    chunks.push(characters.slice(start, start + 1000).join(""));
  if (chunks.length === 0) chunks.push("");
  const escapeChunk = (chunk: string) => chunk.replace(/[\\"\n\r\t]/g, (char) => ESCAPES[char] ?? char);
  return {
    definitions: chunks.flatMap((chunk, index) =>
      block(`geo $${name}_${index}`, [`default "${escapeChunk(chunk)}";`]),
    ),
    reference: `"${chunks.map((_, index) => `\${${name}_${index}}`).join("")}"`,
  };
}

import type { Problem } from "../errors.js";
import { interpolate } from "./interpolate.js";

/** Something wrong in an env file, with its 1-based position. */
export interface EnvFileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint: string;
}

/** Where a value refers to a variable that nothing sets (it becomes empty; Compose warns). */
export interface EnvFileUnset {
  readonly name: string;
  readonly line: number;
  readonly column: number;
}

/** Variables an env file defines, plus every problem found (a bad statement defines nothing). */
interface ParsedEnvFile {
  readonly vars: ReadonlyMap<string, string>;
  readonly problems: readonly EnvFileProblem[];
  readonly unset: readonly EnvFileUnset[];
}

type Lookup = (name: string) => string | undefined;

interface Parse {
  readonly source: string;
  readonly lookup: Lookup;
  readonly vars: Map<string, string>;
  readonly problems: EnvFileProblem[];
  readonly unset: EnvFileUnset[];
}

/** Go's `unicode.IsSpace`: what compose-go skips between statements and trims from values. */
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
/** compose-go's `isSpace`: a blank that is not a line break. */
const BLANK = /^[\t\v\f\r \u0085\u00a0]$/;
/** `export` followed by Go's `\s` (which includes a line break) starts an exported statement. */
const EXPORT = /export[\t\n\f\r ]/y;
/** Characters of a key: letters and numbers of any script, `_`, `.`, `-`, `[` and `]` (a digit may come first). */
const KEY_CHARACTER = /^[\p{L}\p{N}_.\-[\]]$/u;
/** compose-go's escape sequences in double quotes: `\a` … `\v`, `\$`, `\"`, `\\`, and `\0` with up to three digits. */
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};

/**
 * Parses a `.env` / `env_file` file exactly as compose-go's dotenv parser does. A `${VAR}` in a
 * value is looked up in `lookup` first and only then among the variables the file set before it
 * (`into`, which may already hold variables of earlier files: the caller decides what it shares).
 */
export function parseEnvFile(
  text: string,
  lookup: Lookup,
  into: Map<string, string> = new Map(),
): ParsedEnvFile {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const parse: Parse = { source, lookup, vars: into, problems: [], unset: [] };
  for (let at = statementStart(source, 0); at < source.length; at = statementStart(source, at))
    at = parseStatement(parse, at);
  return { vars: parse.vars, problems: parse.problems, unset: parse.unset };
}

/** Skips whitespace (line breaks included) and `#` comment lines; the file's length at its end. */
function statementStart(source: string, from: number): number {
  let at = from;
  for (;;) {
    while (at < source.length && SPACE.test(source[at]!)) at++;
    if (source[at] !== "#") return at;
    const newline = source.indexOf("\n", at);
    if (newline === -1) return source.length;
    at = newline;
  }
}

/** Parses the statement at `start`; returns where the next one may start. */
function parseStatement(parse: Parse, start: number): number {
  const { source } = parse;
  EXPORT.lastIndex = start;
  const keyStart = EXPORT.test(source) ? skipBlanks(source, start + "export".length) : start;
  const scanned = scanKey(parse, keyStart);
  if (scanned === undefined) return nextLine(source, keyStart);
  const { key, inherited, valueStart } = scanned;
  if (key.includes(" ")) {
    report(parse, keyStart + key.indexOf(" "), "key cannot contain a space", KEY_HINT);
    return nextLine(source, keyStart);
  }
  if (inherited) {
    // a bare `KEY` takes KEY from the lookup only (not from the file), and is skipped when unset
    const value = parse.lookup(key);
    if (value !== undefined) parse.vars.set(key, value);
    return valueStart;
  }
  const quote = source[valueStart];
  if (quote === '"' || quote === "'") return parseQuoted(parse, key, valueStart, quote);
  const end = endOfLine(source, valueStart);
  let raw = source.slice(valueStart, end);
  const comment = raw.indexOf(" #");
  if (comment !== -1) raw = raw.slice(0, comment);
  setInterpolated(parse, key, trimEndSpace(raw), valueStart);
  return end + 1;
}

const KEY_HINT = 'a name contains only letters, digits, "_", ".", "-", "[" and "]", and no spaces';

/**
 * The key and where its value starts. A key ends at `=`, at `:` (YAML style) or at a line break
 * (then it is inherited); blanks inside are skipped over, so `A B=1` reads the key "A B". A key
 * that reaches the end of the file without any of them is, as in compose-go, the empty key and
 * the text its value. Undefined (reported) when a character may not be part of a key.
 */
function scanKey(
  parse: Parse,
  keyStart: number,
): { key: string; inherited: boolean; valueStart: number } | undefined {
  const { source } = parse;
  for (let at = keyStart; at < source.length; ) {
    const character = String.fromCodePoint(source.codePointAt(at)!);
    if (character === "=" || character === ":" || character === "\n") {
      const key = trimEndSpace(source.slice(keyStart, at));
      return { key, inherited: character === "\n", valueStart: skipBlanks(source, at + 1) };
    }
    if (!BLANK.test(character) && !KEY_CHARACTER.test(character)) {
      const line = source.slice(keyStart, endOfLine(source, keyStart));
      const message = `unexpected character ${JSON.stringify(character)} in variable name ${JSON.stringify(line)}`;
      report(parse, at, message, KEY_HINT);
      return undefined;
    }
    at += character.length;
  }
  return { key: "", inherited: false, valueStart: keyStart };
}

/**
 * A quoted value: a backslash before the quote character stands for the quote, any other
 * backslash is kept; double quotes then expand escapes and variables, single quotes are literal.
 * The next statement may start right after the closing quote, on the same line.
 */
function parseQuoted(parse: Parse, key: string, valueStart: number, quote: '"' | "'"): number {
  const { source } = parse;
  let raw = "";
  let escaped = false;
  for (let at = valueStart + 1; at < source.length; at++) {
    const character = source[at]!;
    if (escaped) {
      escaped = false;
      raw += character === quote ? character : `\\${character}`;
    } else if (character === "\\") escaped = true;
    else if (character === quote) {
      if (quote === "'") parse.vars.set(key, raw);
      else setInterpolated(parse, key, expandEscapes(raw), valueStart);
      return at + 1;
    } else raw += character;
  }
  const end = endOfLine(source, valueStart);
  report(
    parse,
    valueStart,
    `unterminated quoted value ${source.slice(valueStart, end)}`,
    `add the closing ${quote}`,
  );
  return end + 1;
}

/** Expands compose-go's escapes; `\$` becomes `$$` so interpolation leaves a literal `$`. */
function expandEscapes(text: string): string {
  return text.replace(ESCAPE, (match) => {
    if (match === "\\$") return "$$";
    // compose-go rewrites `\0ddd` to Go's `\ddd` octal form, and keeps the rewrite when Go refuses it
    const sequence = match.startsWith("\\0") ? `\\${match.slice(2)}` : match;
    return unquoteCharacter(sequence) ?? sequence;
  });
}

/** Go's `strconv.UnquoteChar` for one backslash sequence; undefined where Go reports a syntax error. */
function unquoteCharacter(sequence: string): string | undefined {
  const escaped = sequence[1];
  if (escaped === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[escaped];
  if (simple !== undefined) return simple;
  // an octal escape is exactly three octal digits, at most 0377
  if (!/^[0-7]{3}$/.test(sequence.slice(1, 4))) return undefined;
  const code = Number.parseInt(sequence.slice(1, 4), 8);
  return code > 255 ? undefined : String.fromCharCode(code);
}

/** Interpolates `text` (lookup first, then the file's own variables) and sets `key`, or reports why not. */
function setInterpolated(parse: Parse, key: string, text: string, at: number): void {
  const result = interpolate(text, (name) => parse.lookup(name) ?? parse.vars.get(name));
  if (!result.ok) {
    report(parse, at, result.message, result.hint);
    return;
  }
  parse.vars.set(key, result.value);
  for (const name of result.unset) parse.unset.push({ name, ...position(parse.source, at) });
}

function trimEndSpace(text: string): string {
  let end = text.length;
  while (end > 0 && SPACE.test(text[end - 1]!)) end--;
  return text.slice(0, end);
}

function endOfLine(source: string, from: number): number {
  const newline = source.indexOf("\n", from);
  return newline === -1 ? source.length : newline;
}

/** Where the line after the one holding `at` starts: parsing resumes there after a problem. */
function nextLine(source: string, at: number): number {
  return endOfLine(source, at) + 1;
}

function skipBlanks(source: string, from: number): number {
  let at = from;
  while (at < source.length && BLANK.test(source[at]!)) at++;
  return at;
}

function report(parse: Parse, index: number, message: string, hint: string): void {
  parse.problems.push({ ...position(parse.source, index), message, hint });
}

function position(source: string, index: number): { line: number; column: number } {
  const lineStart = source.lastIndexOf("\n", index - 1) + 1;
  return { line: source.slice(0, lineStart).split("\n").length, column: index - lineStart + 1 };
}

/** The warning Compose gives for each variable an env file refers to but nothing sets (once per name). */
export function unsetVariableWarnings(file: string, unset: readonly EnvFileUnset[]): Problem[] {
  const seen = new Set<string>();
  return unset.flatMap(({ name, line, column }) => {
    if (seen.has(name)) return [];
    seen.add(name);
    return [
      {
        code: "W_MANIFEST_UNSET_VARIABLE",
        severity: "warning" as const,
        message: `variable ${name} is not set; using an empty string`,
        hint: `set ${name} in the environment or an earlier line, or write \${${name}:-default}`,
        location: { file, line, column },
      },
    ];
  });
}

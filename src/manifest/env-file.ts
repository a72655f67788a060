import { interpolate } from "./interpolate.js";

/** Something wrong in an env file, with its 1-based position. */
export interface EnvFileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint: string;
}

/** Variables an env file defines, plus every problem found (a bad statement defines nothing). */
interface ParsedEnvFile {
  readonly vars: ReadonlyMap<string, string>;
  readonly problems: readonly EnvFileProblem[];
}

type Lookup = (name: string) => string | undefined;

interface Parse {
  readonly source: string;
  readonly lookup: Lookup;
  readonly vars: Map<string, string>;
  readonly problems: EnvFileProblem[];
}

type Quote = "'" | '"';

/** A value as written: its kind, its text without quotes, and where the next statement may start. */
interface RawValue {
  readonly quote: Quote | undefined;
  readonly text: string;
  readonly next: number;
  /** False when the quoting is broken; the statement then defines nothing. */
  readonly complete: boolean;
}

/** compose-go's dotenv keys: letters (any script), digits, `_`, `.`, `-`, `[` and `]`, not starting with a digit. */
const NAME = /^[_\p{L}.\-[\]][_\p{L}\p{N}.\-[\]]*$/u;
const EXPORT = /^export[ \t]+/;

/** Escapes understood inside double quotes; `\$` becomes `$$` so interpolation leaves a literal `$`. */
const DOUBLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  $: "$$",
};
/** Single quotes are literal except that, as in compose-go, `\'` stands for a quote. */
const SINGLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = { "'": "'" };

/** Parses a `.env` / `env_file` file with compose-go's dotenv rules; `lookup` supplies the environment. */
export function parseEnvFile(text: string, lookup: Lookup): ParsedEnvFile {
  // compose-go strips a byte-order mark and treats CRLF like LF
  const source = text.replace(/^\uFEFF/, "").replaceAll("\r\n", "\n");
  const parse: Parse = { source, lookup, vars: new Map(), problems: [] };
  let position = 0;
  while (position < source.length) position = parseStatement(parse, position);
  return { vars: parse.vars, problems: parse.problems };
}

/** Parses the statement on the line starting at `start`; returns where the next line starts. */
function parseStatement(parse: Parse, start: number): number {
  const { source } = parse;
  const lineEnd = endOfLine(source, start);
  const first = skipBlanks(source, start, lineEnd);
  if (first === lineEnd || source[first] === "#") return lineEnd + 1;
  const keyStart = first + (EXPORT.exec(source.slice(first, lineEnd))?.[0].length ?? 0);
  const equals = source.indexOf("=", keyStart);
  if (equals === -1 || equals > lineEnd) {
    inherit(parse, keyStart, lineEnd);
    return lineEnd + 1;
  }
  const name = source.slice(keyStart, equals).trimEnd();
  const nameIsValid = isValidName(parse, name, keyStart);
  const valueStart = skipBlanks(source, equals + 1, lineEnd);
  const raw = readRawValue(parse, valueStart, lineEnd);
  if (nameIsValid && raw.complete) {
    const value = evaluate(parse, raw, valueStart);
    if (value !== undefined) parse.vars.set(name, value);
  }
  return raw.next;
}

/** A bare `KEY` line takes KEY from the environment, and defines nothing when it is not set there. */
function inherit(parse: Parse, keyStart: number, lineEnd: number): void {
  const name = parse.source.slice(keyStart, lineEnd).trimEnd();
  if (!isValidName(parse, name, keyStart)) return;
  const value = parse.lookup(name);
  if (value !== undefined) parse.vars.set(name, value);
}

function isValidName(parse: Parse, name: string, at: number): boolean {
  if (NAME.test(name)) return true;
  const hint =
    'a name starts with a letter or "_" and contains only letters, digits, "_", ".", "-", "[" and "]"';
  if (name === "") report(parse, at, "missing variable name", hint);
  else report(parse, at + firstInvalidNameIndex(name), `invalid variable name ${JSON.stringify(name)}`, hint);
  return false;
}

/** Index of the character that makes `name` invalid: the end of its shortest invalid prefix. */
function firstInvalidNameIndex(name: string): number {
  for (let end = 1; end <= name.length; end++) if (!NAME.test(name.slice(0, end))) return end - 1;
  return 0;
}

/** Finds the extent of the value at `at`; an incomplete value (bad quoting) has been reported already. */
function readRawValue(parse: Parse, at: number, lineEnd: number): RawValue {
  const { source } = parse;
  const quote = source[at];
  if (quote !== "'" && quote !== '"') {
    return {
      quote: undefined,
      text: unquotedValue(source.slice(at, lineEnd)),
      next: lineEnd + 1,
      complete: true,
    };
  }
  const close = findClosingQuote(source, at + 1, quote);
  if (close === -1) {
    report(parse, at, `unterminated quoted value ${source.slice(at, lineEnd)}`, `add the closing ${quote}`);
    // the rest of the file is not swallowed: parsing resumes on the next line
    return { quote, text: "", next: lineEnd + 1, complete: false };
  }
  const closeLineEnd = endOfLine(source, close);
  const trailing = skipBlanks(source, close + 1, closeLineEnd);
  const complete = trailing === closeLineEnd || source[trailing] === "#";
  if (!complete) {
    report(
      parse,
      trailing,
      "unexpected text after the closing quote",
      "put the whole value inside the quotes",
    );
  }
  return { quote, text: source.slice(at + 1, close), next: closeLineEnd + 1, complete };
}

/** An unquoted value ends at ` #` (space, hash) and loses its trailing whitespace; a `#` elsewhere is kept. */
function unquotedValue(rest: string): string {
  const comment = rest.indexOf(" #");
  return (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
}

/** Index of the quote that ends a quoted value (skipping backslash-escaped characters), or -1. */
function findClosingQuote(source: string, from: number, quote: Quote): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}

/** Applies escapes and interpolation according to the quoting; reports and returns undefined on failure. */
function evaluate(parse: Parse, raw: RawValue, at: number): string | undefined {
  if (raw.quote === "'") return decodeEscapes(raw.text, SINGLE_QUOTE_ESCAPES);
  const text = raw.quote === '"' ? decodeEscapes(raw.text, DOUBLE_QUOTE_ESCAPES) : raw.text;
  // variables defined earlier in this file win over the environment, as in compose-go
  const result = interpolate(text, (name) => parse.vars.get(name) ?? parse.lookup(name));
  if (result.ok) return result.value;
  report(parse, at, result.message, result.hint);
  return undefined;
}

/** Replaces each backslash pair listed in `escapes`; any other pair is kept as written. */
function decodeEscapes(text: string, escapes: Readonly<Record<string, string>>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? "";
    if (char !== "\\" || i + 1 === text.length) {
      out += char;
      continue;
    }
    const escaped = text[++i] ?? "";
    out += escapes[escaped] ?? char + escaped;
  }
  return out;
}

function endOfLine(source: string, from: number): number {
  const newline = source.indexOf("\n", from);
  return newline === -1 ? source.length : newline;
}

function skipBlanks(source: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && (source[i] === " " || source[i] === "\t")) i++;
  return i;
}

function report(parse: Parse, index: number, message: string, hint: string): void {
  const lineStart = parse.source.lastIndexOf("\n", index - 1) + 1;
  const line = parse.source.slice(0, lineStart).split("\n").length;
  parse.problems.push({ line, column: index - lineStart + 1, message, hint });
}

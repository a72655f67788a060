/** Result of expanding `$VAR` / `${VAR…}` references: the value, or why it could not be produced. */
export type Interpolated =
  | { readonly ok: true; readonly value: string; readonly unset: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

type Lookup = (name: string) => string | undefined;

interface Scan {
  readonly source: string;
  readonly lookup: Lookup;
  readonly unset: string[];
  /** How many defaults/alternatives are being expanded inside each other right now. */
  depth: number;
}

/** Nesting past this is refused (deeper input would overflow the stack; no real file comes near it). */
const MAX_NESTING = 64;

/** Thrown inside the scanner and turned into an `ok: false` result at the top, so helpers stay simple. */
class InterpolationError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Operators after a braced name; two-character forms first so `:-` is not read as `:` then `-`. */
const OPERATORS = [":-", ":?", ":+", "-", "?", "+"] as const;
type Operator = (typeof OPERATORS)[number];

/** Expands variable references in `text` the way Docker Compose v2 (compose-go `template`) does. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const scan: Scan = { source: text, lookup, unset: [], depth: 0 };
  try {
    const value = expand(text, scan);
    return { ok: true, value, unset: [...new Set(scan.unset)] };
  } catch (error) {
    if (error instanceof InterpolationError) return { ok: false, message: error.message, hint: error.hint };
    throw error;
  }
}

function expand(text: string, scan: Scan): string {
  if (++scan.depth > MAX_NESTING)
    throw new InterpolationError(
      `variable references are nested more than ${MAX_NESTING} levels deep in "${scan.source.slice(0, 40)}…"`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax, shown to the user
      "nest fewer ${VAR:-${OTHER}} defaults inside each other",
    );
  try {
    return expandFlat(text, scan);
  } finally {
    scan.depth--;
  }
}

function expandFlat(text: string, scan: Scan): string {
  let out = "";
  let position = 0;
  for (let dollar = text.indexOf("$"); dollar !== -1; dollar = text.indexOf("$", position)) {
    out += text.slice(position, dollar);
    const reference = expandReference(text, dollar, scan);
    out += reference.value;
    position = reference.end;
  }
  return out + text.slice(position);
}

/** Expands the reference starting at the `$` at index `at`; `end` is the index just after it. */
function expandReference(text: string, at: number, scan: Scan): { value: string; end: number } {
  const next = text[at + 1];
  if (next === "$") return { value: "$", end: at + 2 };
  if (next === "{") return expandBraced(text, at, scan);
  const name = readName(text, at + 1);
  // compose leaves a `$` that starts no reference (`$1`, `$ `, trailing `$`) in the output as is
  if (name === "") return { value: "$", end: at + 1 };
  return { value: variableValue(name, scan), end: at + 1 + name.length };
}

function expandBraced(text: string, at: number, scan: Scan): { value: string; end: number } {
  const close = findClosingBrace(text, at + 2);
  if (close === -1) throw syntaxError(scan);
  return { value: expandBody(text.slice(at + 2, close), scan), end: close + 1 };
}

/** Index of the `}` that balances the `{` before `from`, so defaults may contain `${…}` and `{…}`. */
function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Expands what is between `${` and `}`: a name, optionally followed by an operator and its operand. */
function expandBody(body: string, scan: Scan): string {
  const name = readName(body, 0);
  if (name === "") throw syntaxError(scan);
  const rest = body.slice(name.length);
  if (rest === "") return variableValue(name, scan);
  const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (operator === undefined) throw syntaxError(scan);
  return applyOperator(name, operator, rest.slice(operator.length), scan);
}

function applyOperator(name: string, operator: Operator, operand: string, scan: Scan): string {
  const raw = scan.lookup(name);
  const value = raw ?? "";
  // the `:` forms treat an empty value like an unset one
  const present = raw !== undefined && (!operator.startsWith(":") || raw !== "");
  // the operand is expanded only when used, so an unused default cannot fail or warn
  switch (operator) {
    case ":-":
    case "-":
      return present ? value : expand(operand, scan);
    case ":+":
    case "+":
      return present ? expand(operand, scan) : "";
    case ":?":
    case "?":
      if (present) return value;
      throw missingRequired(name, expand(operand, scan));
  }
}

function variableValue(name: string, scan: Scan): string {
  const value = scan.lookup(name);
  if (value !== undefined) return value;
  scan.unset.push(name);
  return "";
}

/** The longest variable name (`[_a-zA-Z][_a-zA-Z0-9]*`) starting at `from`, or "" if none starts there. */
function readName(text: string, from: number): string {
  if (!isNameStart(text[from])) return "";
  let end = from + 1;
  while (isNameStart(text[end]) || isDigit(text[end])) end++;
  return text.slice(from, end);
}

function isNameStart(char: string | undefined): boolean {
  return char !== undefined && ((char >= "a" && char <= "z") || (char >= "A" && char <= "Z") || char === "_");
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= "0" && char <= "9";
}

function syntaxError(scan: Scan): InterpolationError {
  return new InterpolationError(
    `invalid interpolation format for ${JSON.stringify(scan.source)}`,
    `escape a literal "$" as "$$"; a braced reference is \${NAME}, optionally with :-, -, :?, ?, :+ or + and an operand`,
  );
}

function missingRequired(name: string, reason: string): InterpolationError {
  // compose's wording, including dropping the colon when the reason is empty
  const message =
    reason === ""
      ? `required variable ${name} is missing a value`
      : `required variable ${name} is missing a value: ${reason}`;
  return new InterpolationError(message, `set ${name} in the environment or in an .env file`);
}

import { parse as parseShell } from "shell-quote";
import { z } from "zod";

/** A number written as a string that is not one is the wrong kind of value: a type issue. */
function numberFrom(
  value: number | string,
  pattern: RegExp,
  expected: "int" | "number",
  ctx: z.RefinementCtx,
): number {
  const n = typeof value === "number" || pattern.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(n) || (expected === "int" && !Number.isInteger(n))) {
    ctx.addIssue({ code: "invalid_type", expected, input: value, message: `expected ${expected}` });
    return z.NEVER;
  }
  return n;
}

/** An integer, also when interpolation made it a string (`replicas: ${N}`). */
export const int = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => numberFrom(value, /^-?\d+$/, "int", ctx));

/** A number, also when written as a string (`cpus: "0.5"`). */
export const num = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => numberFrom(value, /^-?\d+(\.\d+)?$/, "number", ctx));

/**
 * A file mode. A number is taken as YAML read it (`0440` is octal, see parse-yaml.ts); a string
 * (from interpolation, `mode: ${MODE}`) is octal digits, as compose-go's `toUnixFileMode` reads it.
 */
export const fileMode = z.union([z.number().int().min(0), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const digits = /^(?:0o)?([0-7]+)$/.exec(value.trim())?.[1];
  if (digits === undefined) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a file mode; write it in octal, like 0440` });
    return z.NEVER;
  }
  return Number.parseInt(digits, 8);
});

/** YAML 1.1 spellings go-yaml (and so Compose) still reads as booleans: `init: yes`, `tty: on`. */
const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

/** A boolean, also when written as a YAML 1.1 word (`yes`, `off`) or made a string by interpolation. */
export const bool = z.union([
  z.boolean(),
  z.string().transform((value, ctx) => {
    const word = value.toLowerCase();
    const sameCase = /^(?:[a-z]+|[A-Z][a-z]+|[A-Z]+)$/.test(value);
    if (sameCase && Object.hasOwn(BOOLEAN_WORDS, word)) return BOOLEAN_WORDS[word]!;
    ctx.addIssue({ code: "invalid_type", expected: "boolean", input: value, message: "expected boolean" });
    return z.NEVER;
  }),
]);

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** A byte size (`512m`, `1g`, `1024`), normalized to bytes. */
export const byteSize = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  const factor = match ? BYTE_UNITS[(match[2] ?? "").toLowerCase() || "b"] : undefined;
  if (!match || factor === undefined) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a size; write it like 512m, 1g or 1048576` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * factor);
});

/** A string, also accepting numbers and booleans written without quotes (`version: 3.8`). */
export const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** One string or a list of them, normalized to a list. */
export const stringList = z.union([text.transform((s) => [s]), z.array(text)]);

const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One `KEY=VALUE` list entry as key and value; a bare `KEY` has a null value. */
export function splitKeyValue(entry: string): readonly [key: string, value: string | null] {
  const eq = entry.indexOf("=");
  return eq === -1 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** `KEY=VALUE` list or mapping, normalized to a mapping; a bare `KEY` (or null) means "unset here". */
export const listOrDict = z
  .union([z.record(z.string(), scalarValue), z.array(z.string())])
  .transform((value): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    if (Array.isArray(value)) {
      for (const entry of value) {
        const [key, entryValue] = splitKeyValue(entry);
        out[key] = entryValue;
      }
    } else {
      for (const [key, v] of Object.entries(value)) out[key] = v === null ? null : String(v);
    }
    return out;
  });

/** Splits a command string into argv the way Compose does (shell words, no shell). */
export function splitShellWords(line: string): string[] {
  return parseShell(line, (name) => `$${name}`).map((entry) =>
    typeof entry === "string"
      ? entry
      : String("pattern" in entry ? entry.pattern : "op" in entry ? entry.op : entry.comment),
  );
}

/** A command string as argv; one that cannot be split (an unclosed `${`) is an issue, not a throw. */
const shellWords = z.string().transform((line, ctx) => {
  try {
    return splitShellWords(line);
  } catch (error) {
    const reason = (error as Error).message.toLowerCase();
    ctx.addIssue({
      code: "custom",
      message: `"${line}" cannot be split into words (${reason}); close the \${ or write the command as a list`,
    });
    return z.NEVER;
  }
});

/** A command: a string split into shell words (as Compose does) or an argv list. */
export const command = z.union([shellWords, z.array(text), z.null()]);

import { parse as parseShell } from "shell-quote";
import { z } from "zod";

/** An integer, also when interpolation made it a string (`replicas: ${N}`). */
export const int = z
  .union([z.number(), z.string().regex(/^-?\d+$/, "expected an integer")])
  .transform((value, ctx) => {
    const n = Number(value);
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: "custom", message: `expected an integer, got ${value}` });
      return z.NEVER;
    }
    return n;
  });

/** A number, also when written as a string (`cpus: "0.5"`). */
export const num = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, "expected a number")])
  .transform(Number);

/** A boolean, also when interpolation made it a string (`"true"`). */
export const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]).transform((v) => v.toLowerCase() === "true"),
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

/** `KEY=VALUE` list or mapping, normalized to a mapping; a bare `KEY` (or null) means "unset here". */
export const listOrDict = z
  .union([z.record(z.string(), scalarValue), z.array(z.string())])
  .transform((value): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    if (Array.isArray(value)) {
      for (const entry of value) {
        const eq = entry.indexOf("=");
        if (eq === -1) out[entry] = null;
        else out[entry.slice(0, eq)] = entry.slice(eq + 1);
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

/** A command: a string split into shell words (as Compose does) or an argv list. */
export const command = z.union([z.string().transform(splitShellWords), z.array(text), z.null()]);

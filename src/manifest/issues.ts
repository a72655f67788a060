import type { z } from "zod";
import { formatPath, type Problem } from "../errors.js";
import { locate } from "./located.js";
import { suggestKey, UNKNOWN_KEYS_MARK } from "./schema/object.js";

/** What a schema check may attach to a custom issue (`ctx.addIssue({ code: "custom", params })`). */
export interface CustomParams {
  /** Default `E_MANIFEST_VALUE`. */
  readonly code?: string;
  /** Default: a pointer to the Compose Specification. */
  readonly hint?: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
  return node;
}

/** Turns zod's issues into located problems a person can act on; unknown keys name the closest allowed key. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], root: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.message.startsWith(UNKNOWN_KEYS_MARK)) {
      const allowed = JSON.parse(issue.message.slice(UNKNOWN_KEYS_MARK.length)) as string[];
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const suggestion = suggestKey(key, allowed);
        problems.push({
          code: "E_MANIFEST_UNKNOWN_KEY",
          message: `unknown key "${key}" in ${formatPath(issue.path) || "the top level"}`,
          hint: suggestion
            ? `did you mean "${suggestion}"?`
            : `allowed keys: ${allowed.join(", ")} (extensions start with "x-")`,
          path: formatPath(path),
          location: locate(root, path, true),
        });
      }
      continue;
    }
    if (issue.code === "invalid_union") {
      // A union's branches all failed: report the branch that got furthest, else the type mismatch.
      const deepest = issue.errors
        .flat()
        .filter((inner) => inner.code !== "invalid_type" || inner.path.length > 0)
        .map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
      if (deepest.length > 0) {
        problems.push(...issuesToProblems(deepest as z.core.$ZodIssue[], root).slice(0, 3));
        continue;
      }
    }
    if (issue.code === "invalid_key") {
      // a name under services, volumes, … that the spec does not allow: point at the name itself
      const name = String(issue.path.at(-1));
      problems.push({
        code: "E_MANIFEST_VALUE",
        message: `"${name}" is not a valid name in ${formatPath(issue.path.slice(0, -1)) || "the top level"}: ${issue.issues.map((inner) => inner.message).join("; ")}`,
        hint: "rename it using only the allowed characters",
        path: formatPath(issue.path),
        location: locate(root, issue.path, true),
      });
      continue;
    }
    const path = issue.path;
    const actual = valueAt(root, path);
    const message = messageFor(issue, actual);
    const custom = issue.code === "custom" ? (issue.params as CustomParams | undefined) : undefined;
    problems.push({
      // type: the wrong kind of value (a list for a string); value: the right kind, a wrong value
      // (out of range, not in the allowed set, the wrong format); a custom check may name its own
      code:
        custom?.code ??
        (issue.code === "invalid_type" || issue.code === "invalid_union"
          ? "E_MANIFEST_TYPE"
          : "E_MANIFEST_VALUE"),
      message,
      hint: custom?.hint ?? hintFor(issue, actual),
      path: formatPath(path),
      location: locate(root, path),
    });
  }
  return problems;
}

function messageFor(issue: z.core.$ZodIssue, actual: unknown): string {
  const where = formatPath(issue.path) || "the file";
  if (issue.code === "invalid_type" || issue.code === "invalid_union")
    return actual === undefined
      ? `${where} is required: it must be ${expectedOf(issue)}`
      : `${where} must be ${expectedOf(issue)}, not ${describe(actual)}`;
  if (issue.code === "invalid_value")
    return `${where} is ${describe(actual)}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if ((issue.code === "too_big" || issue.code === "too_small") && issue.origin === "number") {
    const big = issue.code === "too_big";
    const bound =
      issue.inclusive === false ? (big ? "less than" : "more than") : big ? "at most" : "at least";
    return `${where} is ${String(actual)}; it must be ${bound} ${String(big ? issue.maximum : issue.minimum)}`;
  }
  return `${where}: ${issue.message}`;
}

const EXPECTED_NAMES: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  int: "an integer",
};

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const named = EXPECTED_NAMES[issue.expected];
    if (named) return named;
    return `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
  }
  if (issue.code === "invalid_union") {
    const expected = new Set(
      issue.errors
        .flat()
        .flatMap((inner) =>
          inner.code === "invalid_type" && inner.path.length === 0 ? [expectedOf(inner)] : [],
        ),
    );
    return [...expected].join(" or ") || "a valid value";
  }
  return "a valid value";
}

function hintFor(issue: z.core.$ZodIssue, actual: unknown): string {
  if (issue.code === "invalid_value") {
    const allowed = issue.values.map(String);
    const suggestion = typeof actual === "string" ? suggestKey(actual, allowed) : undefined;
    return suggestion ? `did you mean "${suggestion}"?` : "use one of the allowed values";
  }
  if (issue.code === "too_small" || issue.code === "too_big")
    return "change the value to fit the allowed range";
  return "see the Compose Specification or the x-slipway reference in the README";
}

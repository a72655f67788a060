import { relative } from "node:path";
import type { Problem } from "../errors.js";

/** Where human output and JSON go; commands write through this so tests can capture it. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const displayPath = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || rel === "" ? file : rel;
};

/** `file:line:col code message` then an indented hint line, as compilers print. */
export function formatProblem(problem: Problem): string {
  const where = problem.location
    ? `${displayPath(problem.location.file)}:${problem.location.line}:${problem.location.column} `
    : "";
  const severity = problem.severity === "warning" ? "warning " : "";
  const path = problem.path && !problem.message.includes(problem.path) ? ` (${problem.path})` : "";
  const hint = problem.hint ? `\n    hint: ${problem.hint}` : "";
  return `${where}${severity}${problem.code} ${problem.message}${path}${hint}\n`;
}

/** Orders problems by file, line and column so the output reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    const fa = a.location?.file ?? "";
    const fb = b.location?.file ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0)
    );
  });
}

/** The JSON shape of one problem: `{code, message, file, line, column, path, hint}`. */
export function problemJson(problem: Problem): Record<string, unknown> {
  return {
    code: problem.code,
    message: problem.message,
    file: problem.location?.file ?? null,
    line: problem.location?.line ?? null,
    column: problem.location?.column ?? null,
    path: problem.path ?? null,
    hint: problem.hint ?? null,
    ...(problem.severity === "warning" ? { severity: "warning" } : {}),
  };
}

/** Prints warnings to stderr (human) — in JSON mode they travel inside the result instead. */
export function printWarnings(problems: readonly Problem[], output: Output): void {
  for (const problem of sortProblems(problems)) output.stderr(formatProblem(problem));
}

/**
 * Prints errors: to stderr for a person, or `{"error": …, "errors": […]}` on stdout with --json, on
 * one line, so a `--json` stream of events (a deploy) stays one JSON value per line to its end.
 */
export function printErrors(problems: readonly Problem[], json: boolean, output: Output): void {
  const sorted = sortProblems(problems);
  if (json) {
    const errors = sorted.map(problemJson);
    output.stdout(`${JSON.stringify({ error: errors[0], errors })}\n`);
    return;
  }
  for (const problem of sorted) output.stderr(formatProblem(problem));
  if (sorted.length > 1) output.stderr(`${sorted.length} problems\n`);
}

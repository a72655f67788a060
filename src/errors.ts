/** Where in a source file something was written (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A problem a user can act on: a stable code, a message, a hint, and where it came from. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
  /** Key path inside the model, such as `services.api.ports[1]`. */
  readonly path?: string | undefined;
  readonly location?: SourceLocation | undefined;
  readonly severity?: "error" | "warning" | undefined;
}

/** Base of every error slipway raises on purpose; the CLI prints these without a stack trace. */
export class SlipwayError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  /** Several problems found together (a manifest with many mistakes reports all of them). */
  readonly problems: readonly Problem[];

  constructor(problemOrProblems: Problem | readonly Problem[], options?: { cause?: unknown }) {
    const problems = Array.isArray(problemOrProblems)
      ? (problemOrProblems as readonly Problem[])
      : [problemOrProblems as Problem];
    const first = problems[0] ?? { code: "E_INTERNAL", message: "unknown error" };
    super(
      problems.length > 1 ? `${first.message} (and ${problems.length - 1} more)` : first.message,
      options,
    );
    this.name = new.target.name;
    this.code = first.code;
    this.hint = first.hint;
    this.problems = problems;
  }
}

/** Bad input: a manifest, a flag, a file that does not exist. The CLI exits 2. */
export class InputError extends SlipwayError {}

/** Renders a key path array as `services.api.ports[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Stable error codes and what each means: every stage declares its own (`<stage>/errors.ts`). */
export type ErrorCatalogue = Readonly<Record<`E_${string}`, string>>;

/** Codes of the base error type itself. */
export const BASE_ERRORS = {
  E_INTERNAL: "an error slipway did not expect; the message says where (please report it)",
} as const satisfies ErrorCatalogue;

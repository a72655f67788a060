import { resolve } from "node:path";
import type { Problem } from "../errors.js";
import { describeReadError, readManifestText } from "./bounded-read.js";
import { parseEnvFile, unsetVariableWarnings } from "./env-file.js";

/** Why an env file could not be read, in words; undefined when the error is no reason to stop. */
function unreadable(file: string, code: string | undefined, explicit: boolean): string | undefined {
  // The default `.env` may be missing, or be a directory (a Python virtualenv), as in Compose.
  if (!explicit && (code === "ENOENT" || code === "EISDIR")) return undefined;
  if (code === "ENOENT") return `env file ${file} does not exist`;
  if (code === "EISDIR") return `env file ${file} is a directory, not a file`;
  return `env file ${file} ${describeReadError(code)}`;
}

/** The text of an env file, or the problem that stops it being read. */
function readEnvFile(file: string, explicit: boolean): { text?: string; problem?: Problem } {
  // `--env-file /dev/null` (or an include's) means "no variables", as in Compose; not a device to refuse
  if (file === "/dev/null") return { text: "" };
  try {
    return { text: readManifestText(file) };
  } catch (error) {
    const message = unreadable(file, (error as NodeJS.ErrnoException).code, explicit);
    if (message === undefined) return {};
    return {
      problem: {
        code: "E_MANIFEST_ENV_FILE",
        message,
        hint: "check the path given with --env-file or in the include entry's env_file",
      },
    };
  }
}

type Lookup = (name: string) => string | undefined;

/**
 * Variables for interpolation, as Compose resolves them: the process environment wins over
 * `--env-file` files (later files over earlier), which replace the project's default `.env`.
 * Inside a file, `${VAR}` sees the process environment, then the earlier files, then the file's
 * own earlier lines (compose-go's `GetEnvFromFile`). An included project passes its including
 * project's variables as `processEnv`: they win over its own `.env` the same way.
 */
export function interpolationEnvironment(
  processEnv: Readonly<Record<string, string | undefined>> | Lookup,
  envFiles: readonly string[],
  cwd: string,
  projectDirectory: string,
): { readonly lookup: Lookup; readonly problems: readonly Problem[] } {
  const problems: Problem[] = [];
  const fromFiles = new Map<string, string>();
  const outer: Lookup =
    typeof processEnv === "function"
      ? processEnv
      : (name) => (Object.hasOwn(processEnv, name) ? processEnv[name] : undefined);
  const lookup = (name: string): string | undefined => outer(name) ?? fromFiles.get(name);
  const explicit = envFiles.length > 0;
  const files = explicit ? envFiles.map((f) => resolve(cwd, f)) : [resolve(projectDirectory, ".env")];
  for (const file of files) {
    const { text, problem } = readEnvFile(file, explicit);
    if (problem) problems.push(problem);
    if (text === undefined) continue;
    const parsed = parseEnvFile(text, lookup);
    for (const found of parsed.problems) {
      problems.push({
        code: "E_MANIFEST_ENV_FILE",
        message: found.message,
        hint: found.hint,
        location: { file, line: found.line, column: found.column },
      });
    }
    problems.push(...unsetVariableWarnings(file, parsed.unset));
    for (const [name, value] of parsed.vars) fromFiles.set(name, value);
  }
  return { lookup, problems };
}

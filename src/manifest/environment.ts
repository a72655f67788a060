import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Problem } from "../errors.js";
import { parseEnvFile } from "./env-file.js";

/**
 * Variables for interpolation, as Compose resolves them: the process environment wins over
 * `--env-file` files (later files over earlier), which replace the project's default `.env`.
 */
export function interpolationEnvironment(
  processEnv: Readonly<Record<string, string | undefined>>,
  envFiles: readonly string[],
  cwd: string,
  projectDirectory: string,
): { readonly lookup: (name: string) => string | undefined; readonly problems: readonly Problem[] } {
  const problems: Problem[] = [];
  const fromFiles = new Map<string, string>();
  const lookup = (name: string): string | undefined => processEnv[name] ?? fromFiles.get(name);
  const explicit = envFiles.length > 0;
  const files = explicit ? envFiles.map((f) => resolve(cwd, f)) : [resolve(projectDirectory, ".env")];
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) {
        problems.push({
          code: "E_MANIFEST_ENV_FILE",
          message: `env file ${file} does not exist`,
          hint: "check the path given with --env-file",
        });
      }
      continue;
    }
    const parsed = parseEnvFile(readFileSync(file, "utf8"), lookup);
    for (const problem of parsed.problems) {
      problems.push({
        code: "E_MANIFEST_ENV_FILE",
        message: problem.message,
        hint: problem.hint,
        location: { file, line: problem.line, column: problem.column },
      });
    }
    for (const [name, value] of parsed.vars) fromFiles.set(name, value);
  }
  return { lookup, problems };
}

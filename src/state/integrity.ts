import { existsSync, readdirSync, statSync } from "node:fs";
import { StateError } from "./state-error.js";

const restoreHint = (backup: string | undefined) =>
  backup && existsSync(backup)
    ? `stop the agent, move the damaged file away and copy ${backup} (the agent's last state backup) in its place`
    : "restore the state file from a backup; slipway does not start afresh over running instances";

/**
 * Refuses a state file that is not one (empty, or not SQLite): opening it as new would forget every
 * running instance, and the next deploy would start second copies of them.
 */
export function checkStateFile(file: string, backup?: string): void {
  if (!existsSync(file)) return;
  const stat = statSync(file);
  if (!stat.isFile())
    throw new StateError({
      code: "E_STATE_CORRUPT",
      message: `state file ${file} is not a regular file`,
      hint: restoreHint(backup),
    });
  if (stat.size === 0)
    throw new StateError({
      code: "E_STATE_EMPTY",
      message: `state file ${file} is empty: it lost every release and instance`,
      hint: restoreHint(backup),
    });
}

/** Maps SQLite's "not a database" / "malformed" errors to a coded refusal; other errors pass unchanged. */
export function corruptStateError(file: string, error: unknown, backup?: string): StateError | undefined {
  const code = (error as { code?: unknown }).code;
  if (code !== "SQLITE_NOTADB" && code !== "SQLITE_CORRUPT") return undefined;
  return new StateError(
    {
      code: "E_STATE_CORRUPT",
      message: `state file ${file} is damaged (${(error as Error).message})`,
      hint: restoreHint(backup),
    },
    { cause: error },
  );
}

/**
 * At agent start: a missing state file in a home that has run instances before (logs or run
 * directories exist) is a lost state, not a fresh install.
 */
export function checkStateNotLost(file: string, home: string, backup?: string): void {
  if (existsSync(file)) return;
  const used = ["logs", "run"].some((dir) => {
    try {
      return readdirSync(`${home}/${dir}`).length > 0;
    } catch {
      return false;
    }
  });
  if (used)
    throw new StateError({
      code: "E_STATE_MISSING",
      message: `state file ${file} is missing, but ${home} has run instances before`,
      hint: restoreHint(backup),
    });
}

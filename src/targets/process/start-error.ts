import { SlipwayError } from "../../errors.js";

/** An instance or job could not be started at all (missing command, unknown user, spawn failure). */
export function targetStartError(argv: readonly string[], reason: string, cause?: unknown): SlipwayError {
  const hint = reason.startsWith("command not found")
    ? "Install the program or fix the command; it is looked up on the PATH of the service's environment."
    : undefined;
  return new SlipwayError(
    { code: "E_TARGET_START", message: `cannot start "${argv.join(" ")}": ${reason}`, hint },
    { cause },
  );
}

/** Readable reason for a spawn 'error' event. */
export function spawnFailureReason(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `command not found: ${file}`;
  if (code === "EACCES") return `permission denied: ${file}`;
  return error instanceof Error ? error.message : String(error);
}

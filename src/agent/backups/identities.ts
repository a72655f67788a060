import { readFileSync } from "node:fs";
import { InputError } from "../../errors.js";

/** The environment variable naming an age identity file (`age-keygen -o key.txt`). */
export const IDENTITY_ENV = "SLIPWAY_BACKUP_IDENTITY";

/** The `AGE-SECRET-KEY-1…` lines of an age identity file; comments and blank lines are skipped. */
export function parseIdentities(text: string, source: string): string[] {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const bad = lines.find((line) => !/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(line));
  if (bad !== undefined || lines.length === 0) {
    throw new InputError({
      code: "E_BACKUP_IDENTITY",
      message: `${source} is not an age identity file${bad !== undefined ? ` (a line starts with "${bad.slice(0, 12)}…")` : " (it holds no key)"}`,
      hint: "give the file `age-keygen -o key.txt` wrote: lines of AGE-SECRET-KEY-1…",
    });
  }
  return lines;
}

/**
 * The identities of `file`, else of the file `$SLIPWAY_BACKUP_IDENTITY` names, else none
 * (enough for backups that are not encrypted).
 */
export function readIdentities(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const path = file ?? env[IDENTITY_ENV];
  if (!path) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError({
      code: "E_BACKUP_IDENTITY",
      message: `cannot read the age identity file ${path}: ${(error as Error).message}`,
      hint: file ? "check the --identity path" : `check ${IDENTITY_ENV}`,
    });
  }
  return parseIdentities(text, path);
}

/** The agent's own identities, for scheduled verifications: `$SLIPWAY_BACKUP_IDENTITY`, none when unset or unreadable. */
export function agentIdentities(): string[] {
  try {
    return readIdentities(undefined);
  } catch {
    return [];
  }
}

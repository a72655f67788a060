import type { ErrorCatalogue } from "../errors.js";

/** Codes of the command line itself. */
export const CLI_ERRORS = {
  E_CLI_USAGE: "a command or flag used wrongly (exit 2)",
  E_CONFIRMATION_REQUIRED: "a destructive command without a terminal to ask: pass `--yes`",
  E_CANCELLED: "the question was answered no; nothing was changed",
  E_PROJECT_UNKNOWN: "no Compose file here and the home has no single project to pick: name one with `-p`",
  E_CANARY_NONE: "`promote`/`abort` while no canary of the project waits",
  E_BACKUP_VERIFY_FAILED: "`backup verify` found the backup does not restore",
} as const satisfies ErrorCatalogue;

import { SecretRedactor } from "../secrets/redactor.js";
import { secretStoreIn } from "../secrets/store.js";
import { openState, type StateStore } from "../state/index.js";
import { checkStateNotLost } from "../state/integrity.js";
import type { SlipwayPaths } from "../state/paths.js";
import { ensurePrivateHome } from "../state/private-files.js";

/** A deploy error as it is stored: its words with secret values hidden, its code and hint kept. */
function redactError(error: unknown, redact: (text: string) => string): unknown {
  if (error === undefined || error === null) return error;
  if (error instanceof Error) {
    const { code, hint } = error as { code?: unknown; hint?: unknown };
    return {
      name: error.name,
      message: redact(error.message),
      code,
      hint: typeof hint === "string" ? redact(hint) : hint,
    };
  }
  return JSON.parse(redact(JSON.stringify(error)));
}

/**
 * The state store with every free text that can quote a process's output (event messages and data,
 * deploy errors, job output tails, audit errors) passed through `redact` before it is written.
 */
export function redactingStore(store: StateStore, redact: (text: string) => string): StateStore {
  return {
    ...store,
    addEvent: (event) =>
      store.addEvent({
        ...event,
        message: redact(event.message),
        ...(event.data !== undefined ? { data: JSON.parse(redact(JSON.stringify(event.data))) } : {}),
      }),
    finishDeploy: (id, status, error) => store.finishDeploy(id, status, redactError(error, redact)),
    finishJobRun: (id, result) =>
      store.finishJobRun(id, {
        ...result,
        ...(result.outputTail !== undefined ? { outputTail: redact(result.outputTail) } : {}),
      }),
    addAudit: (entry) =>
      store.addAudit({ ...entry, ...(entry.error !== undefined ? { error: redact(entry.error) } : {}) }),
  };
}

/**
 * The agent's state: refused when lost or damaged (never a fresh install over running instances),
 * and stored with every known secret value hidden from text that may quote a process's output.
 */
export function openAgentState(paths: SlipwayPaths): { store: StateStore; redactor: SecretRedactor } {
  // Private whatever the umask; a service running as another user is let through to its own dirs only.
  ensurePrivateHome(paths.home);
  checkStateNotLost(paths.stateDb, paths.home, paths.stateBackup);
  const redactor = new SecretRedactor(secretStoreIn(paths.home));
  const store = openState(paths.stateDb, { backupFile: paths.stateBackup });
  return { store: redactingStore(store, (text) => redactor.redact(text)), redactor };
}

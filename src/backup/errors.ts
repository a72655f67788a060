import { type ErrorCatalogue, SlipwayError } from "../errors.js";

/** Codes of backup failures; the agent turns them into events and alerts. */
export const BACKUP_ERRORS = {
  E_BACKUP_CONFIG: "a backup engine, store or key configured with something unusable",
  E_BACKUP_TOOL: "a tool (pg_dump, pg_restore, redis-cli …) failed or could not be started",
  E_BACKUP_UPLOAD: "writing the backup or its manifest to the store failed",
  E_BACKUP_STORE: "reading from, listing or deleting in the store failed",
  E_BACKUP_NOT_FOUND: "no backup under that id",
  E_BACKUP_CHECKSUM: "the stored bytes do not match the manifest's size and sha256: truncated or altered",
  E_BACKUP_CORRUPT: "the bytes passed the checksum but do not decode",
  E_BACKUP_DECRYPT: "none of the identities given can decrypt the backup",
  E_BACKUP_TARGET_NOT_EMPTY: "the restore destination already holds data and `force` was not given",
  E_BACKUP_TARGET_RUNNING: "the restore destination is in use by a running server",
  E_BACKUP_RESTORE: "the restore failed; nothing was overwritten",
} as const satisfies ErrorCatalogue;

export type BackupErrorCode = keyof typeof BACKUP_ERRORS;

/** A backup, restore or verification that failed; `code` says which step. */
export class BackupError extends SlipwayError {
  declare readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super({ code, message, hint }, options);
  }
}

/** The message of whatever was thrown, for wrapping library and tool errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `error` itself when it is already a BackupError, else a new one with `code` wrapping it. */
export function asBackupError(
  error: unknown,
  code: BackupErrorCode,
  message: string,
  hint?: string,
): BackupError {
  if (error instanceof BackupError) return error;
  return new BackupError(code, `${message}: ${messageOf(error)}`, hint, { cause: error });
}

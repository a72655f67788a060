import { SlipwayError } from "../errors.js";

/** Stable codes of backup failures; the agent turns them into events and alerts. */
export type BackupErrorCode =
  /** A backup engine, store or key was configured with something unusable. */
  | "E_BACKUP_CONFIG"
  /** A tool (pg_dump, pg_restore, redis-cli, …) failed or could not be started. */
  | "E_BACKUP_TOOL"
  /** Writing the backup object or its manifest to the store failed. */
  | "E_BACKUP_UPLOAD"
  /** Reading from, listing or deleting in the store failed. */
  | "E_BACKUP_STORE"
  /** No backup (object or manifest) under that key. */
  | "E_BACKUP_NOT_FOUND"
  /** The stored bytes do not match the manifest's size and sha256: truncated or altered. */
  | "E_BACKUP_CHECKSUM"
  /** The bytes passed the checksum but do not decode (bad manifest, bad gzip, bad archive). */
  | "E_BACKUP_CORRUPT"
  /** The backup is encrypted and none of the identities given can decrypt it. */
  | "E_BACKUP_DECRYPT"
  /** The restore destination already holds data and `force` was not given. */
  | "E_BACKUP_TARGET_NOT_EMPTY"
  /** The restore destination is in use by a running server. */
  | "E_BACKUP_TARGET_RUNNING"
  /** The restore itself failed; nothing was overwritten. */
  | "E_BACKUP_RESTORE";

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

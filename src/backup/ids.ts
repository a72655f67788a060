import { randomBytes } from "node:crypto";
import { BackupError } from "./errors.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A sortable, unique backup id such as `20250102t030000z-9f3a1c`: UTC time, then randomness. */
export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, "z")
    .replaceAll(/[-:]/g, "")
    .toLowerCase();
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Checks a project, service or id used inside store keys (letters, digits, `.`, `_`, `-`). */
export function checkName(kind: string, value: string): string {
  if (!NAME.test(value) || value.length > 128) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `${kind} "${value}" cannot be part of a backup key`,
      "use letters, digits, `.`, `_` and `-` (at most 128 characters, not starting with `.` or `-`)",
    );
  }
  return value;
}

/** A PostgreSQL-safe suffix derived from a backup id: lowercase letters, digits and `_`. */
export function idSuffix(id: string): string {
  return id.toLowerCase().replaceAll(/[^a-z0-9]/g, "_");
}

import { resolveUser, type UnixIdentity } from "../../host/users.js";
import { BackupError } from "../errors.js";

/** The identity tools run as, or undefined to run them as slipway itself. */
export function resolveRunAs(runAs: string | undefined): UnixIdentity | undefined {
  if (runAs === undefined) return undefined;
  const identity = resolveUser(runAs);
  if (identity === undefined) {
    throw new BackupError("E_BACKUP_CONFIG", `there is no unix user "${runAs}" to run backup tools as`);
  }
  const uid = process.getuid?.();
  if (uid === identity.uid) return undefined;
  if (uid !== 0) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `backup tools should run as "${runAs}" but slipway runs as uid ${uid} and cannot switch`,
      "run the agent as root, or as the same user as the service",
    );
  }
  return identity;
}

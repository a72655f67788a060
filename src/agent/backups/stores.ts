import { isAbsolute, join, resolve } from "node:path";
import { BackupError, type BackupStore, LocalStore, S3Store } from "../../backup/index.js";
import type { AppSpec } from "../../manifest/model.js";
import type { SlipwayPaths } from "../../state/paths.js";

/**
 * The store named `name` in the top-level `x-slipway.backups.stores`; `local` is
 * `$SLIPWAY_HOME/backups` unless the file defines it. Relative local paths are the project's.
 */
export function backupStore(app: AppSpec, name: string, paths: SlipwayPaths): BackupStore {
  const configured = app["x-slipway"].backups.stores[name];
  if (!configured) {
    if (name === "local") return new LocalStore(join(paths.home, "backups"));
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `there is no backup store "${name}" in x-slipway.backups.stores`,
      `stores: ${["local", ...Object.keys(app["x-slipway"].backups.stores)].join(", ")}`,
    );
  }
  if (configured.type === "local") {
    const path = configured.path;
    return new LocalStore(isAbsolute(path) ? path : resolve(app.projectDirectory, path));
  }
  return new S3Store({
    bucket: configured.bucket,
    prefix: configured.prefix,
    region: configured.region,
    forcePathStyle: configured.force_path_style,
    ...(configured.endpoint ? { endpoint: configured.endpoint } : {}),
  });
}

import { databaseKind } from "../../manifest/images.js";
import type { LintRule } from "../rule.js";

/** A database keeping its data in a named volume with no `x-slipway.backups`. */
export const statefulNoBackups: LintRule = {
  code: "W_CHECK_NO_BACKUPS",
  severity: "warning",
  title: "database with a named volume has no backups",
  hint: 'add `x-slipway: { backups: { schedule: "0 3 * * *" } }` to the service (daily at 03:00, kept in the local store)',
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      const kind = databaseKind(service.image);
      if (!kind || service["x-slipway"].backups) continue;
      const index = service.volumes.findIndex((mount) => mount.type === "volume" && mount.source);
      if (index === -1) continue;
      yield {
        message: `service "${service.name}" (${kind}) keeps data in volume "${service.volumes[index]?.source}" but has no backups`,
        path: ["services", service.name],
      };
    }
  },
};

import { databaseKind } from "../../manifest/images.js";
import type { LintRule, RuleHit } from "../rule.js";
import { isDatabase, onAllInterfaces } from "./common.js";

/** A database or cache whose port is published on every host interface. */
export const dbPortPublic: LintRule = {
  code: "E_CHECK_DB_PORT_PUBLIC",
  severity: "error",
  title: "database or cache port published on all interfaces",
  hint: 'bind it to localhost ("127.0.0.1:5432:5432") or drop `ports`: other services reach it by name',
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      if (!isDatabase(service)) continue;
      const kind = databaseKind(service.image) ?? "database";
      for (const [index, port] of service.ports.entries()) {
        if (port.published === undefined || !onAllInterfaces(port)) continue;
        yield {
          message: `service "${service.name}" (${kind}) publishes port ${port.target} on all interfaces as host port ${port.published}`,
          path: ["services", service.name, "ports", index],
          hint: `bind it to localhost ("127.0.0.1:${port.published}:${port.target}") or drop \`ports\`: other services reach it as ${service.name}:${port.target}`,
        } satisfies RuleHit;
      }
    }
  },
};

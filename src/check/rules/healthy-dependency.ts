import { type DatabaseKind, databaseKind } from "../../manifest/images.js";
import type { LintRule } from "../rule.js";
import { hasHealthcheck } from "./common.js";

/** Readiness commands for the databases slipway knows, shown in the hint. */
const READY_TEST: Record<DatabaseKind, string> = {
  postgres: '[CMD-SHELL, "pg_isready -U postgres"]',
  redis: "[CMD, redis-cli, ping]",
  mysql: "[CMD, mysqladmin, ping, -h, localhost]",
  mongo: '[CMD, mongosh, --quiet, --eval, "db.runCommand({ping: 1})"]',
};

/** `depends_on: {x: {condition: service_healthy}}` where `x` has no healthcheck. */
export const healthyDependency: LintRule = {
  code: "E_CHECK_HEALTHY_NO_HEALTHCHECK",
  severity: "error",
  title: "`service_healthy` dependency on a service without a healthcheck",
  hint: "add a `healthcheck` to the dependency, or use `condition: service_started`",
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      for (const [name, dependency] of Object.entries(service.depends_on)) {
        const target = spec.services[name];
        if (dependency.condition !== "service_healthy" || !target || hasHealthcheck(target)) continue;
        const kind = databaseKind(target.image);
        const example = kind ? ` (for example \`test: ${READY_TEST[kind]}\`)` : "";
        const dockerfile = target.build
          ? " (a HEALTHCHECK in its Dockerfile also works, but is not visible here)"
          : "";
        yield {
          message: `service "${service.name}" waits for "${name}" to be healthy, but "${name}" has ${target.healthcheck?.disable ? "its healthcheck disabled" : "no healthcheck"}, so it never becomes healthy`,
          path: ["services", service.name, "depends_on", name],
          hint: `add a \`healthcheck\` to "${name}"${example}${dockerfile}, or use \`condition: service_started\``,
        };
      }
    }
  },
};

import type { LintRule } from "../rule.js";
import { hasHealthcheck, hasProxiedRoute, isDatabase } from "./common.js";

/** A service that takes traffic (a route, or a published port) but has no healthcheck. */
export const routedNoHealthcheck: LintRule = {
  code: "W_CHECK_NO_HEALTHCHECK",
  severity: "warning",
  title: "service that takes traffic has no healthcheck",
  hint: "add a `healthcheck` (for example `test: [CMD, curl, -fsS, http://localhost:3000/health]`) so deploys wait until new instances are ready and roll back when they never are",
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      if (hasHealthcheck(service) || service["x-slipway"].schedule) continue;
      const published = service.ports.some((port) => port.published !== undefined);
      const routed = hasProxiedRoute(service);
      if (!routed && !(published && !isDatabase(service))) continue;
      const disabled = service.healthcheck?.disable === true;
      yield {
        message: `service "${service.name}" ${routed ? "has a route" : "publishes a port"} but ${disabled ? "its healthcheck is disabled" : "no healthcheck"}`,
        path: disabled ? ["services", service.name, "healthcheck"] : ["services", service.name],
      };
    }
  },
};

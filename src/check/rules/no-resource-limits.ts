import type { LintRule } from "../rule.js";

/** A service with no memory or CPU limit. */
export const noResourceLimits: LintRule = {
  code: "I_CHECK_NO_LIMITS",
  severity: "info",
  title: "service has no memory or CPU limit",
  hint: 'add `deploy: { resources: { limits: { memory: 512m, cpus: "1" } } }` so one leaking service cannot starve the others',
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      const limits = service.deploy.resources?.limits;
      const limited =
        limits?.memory !== undefined ||
        limits?.cpus !== undefined ||
        service.mem_limit !== undefined ||
        service.cpus !== undefined;
      if (limited) continue;
      yield {
        message: `service "${service.name}" has no memory or CPU limit`,
        path: ["services", service.name],
      };
    }
  },
};

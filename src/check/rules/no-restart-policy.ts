import type { LintRule } from "../rule.js";

/** A long-running service with neither `restart` nor `deploy.restart_policy`. */
export const noRestartPolicy: LintRule = {
  code: "W_CHECK_NO_RESTART",
  severity: "warning",
  title: "service has no restart policy",
  hint: "add `restart: unless-stopped` so the service comes back after a crash or a host reboot",
  *check(spec) {
    // swarm and kubernetes restart failed containers by default
    if (spec["x-slipway"].target === "swarm" || spec["x-slipway"].target === "kubernetes") return;
    const oneShot = new Set(
      Object.values(spec.services).flatMap((service) =>
        Object.entries(service.depends_on)
          .filter(([, dependency]) => dependency.condition === "service_completed_successfully")
          .map(([name]) => name),
      ),
    );
    for (const service of Object.values(spec.services)) {
      if (service.restart || service.deploy.restart_policy || oneShot.has(service.name)) continue;
      if (service["x-slipway"].schedule || service.deploy.mode.endsWith("-job")) continue;
      yield {
        message: `service "${service.name}" has no restart policy: it stays down after a crash or a reboot`,
        path: ["services", service.name],
      };
    }
  },
};

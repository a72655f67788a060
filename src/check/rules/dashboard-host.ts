import { dashboardSettings, routedDomains } from "../../manifest/dashboard-settings.js";
import type { LintRule } from "../rule.js";

/**
 * The dashboard published on a host that a route of the same file also answers for: the deploy
 * would refuse it (`E_DASHBOARD_HOST_TAKEN`); `check` says so first. A clash with another project's
 * routes needs the agent's state and is still found only at deploy.
 */
export const dashboardHost: LintRule = {
  code: "E_CHECK_DASHBOARD_HOST",
  severity: "error",
  title: "the published dashboard's host is also a route's domain",
  hint: "publish the dashboard on a host name of its own, such as ops.example.com",
  *check(spec) {
    const host = dashboardSettings(spec["x-slipway"].observe)?.host?.toLowerCase();
    if (host === undefined) return;
    for (const routed of routedDomains(spec).filter((r) => r.domain === host)) {
      yield {
        message: `route ${routed.route} of service "${routed.service}" answers for ${host}, where x-slipway.observe.dashboard.host publishes the dashboard`,
        path: ["services", routed.service, "x-slipway", "routes", routed.route, "domains", routed.index],
      };
    }
  },
};

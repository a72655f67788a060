import {
  describeRouterPortConflict,
  ROUTER_PORT_CONFLICT_HINT,
  routerPortConflicts,
} from "../../network/router-ports.js";
import type { LintRule } from "../rule.js";

/** The router's ports collide with a published port or, on the process target, a service's own port. */
export const routerPortConflict: LintRule = {
  code: "E_CHECK_ROUTER_PORT_CONFLICT",
  severity: "error",
  title: "router port taken by a service",
  hint: ROUTER_PORT_CONFLICT_HINT,
  *check(spec) {
    for (const conflict of routerPortConflicts(spec)) {
      yield {
        message: describeRouterPortConflict(conflict),
        path: ["x-slipway", "router", conflict.listener],
      };
    }
  },
};

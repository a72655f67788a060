import type { LintRule } from "../rule.js";

/** `x-slipway.registry` on a target that never pushes: the images stay local and nothing says so. */
export const registryUnused: LintRule = {
  code: "W_CHECK_REGISTRY_UNUSED",
  severity: "warning",
  title: "`x-slipway.registry` is set but the target does not push images",
  hint: "remove `x-slipway.registry`, or deploy with `x-slipway.target: swarm`",
  *check(spec) {
    const settings = spec["x-slipway"];
    if (settings.registry === undefined || settings.target === "swarm") return;
    yield {
      message: `x-slipway.registry "${settings.registry}" is used only by the swarm target; the ${settings.target} target keeps its images local`,
      path: ["x-slipway", "registry"],
      ...(settings.target === "kubernetes"
        ? { hint: "the kubernetes target takes its registry as `x-slipway.kubernetes.registry`" }
        : {}),
    };
  },
};

import type { LintRule } from "../rule.js";
import { fixedHostPort } from "./common.js";

/** Several replicas of a service that binds one fixed host port: only the first can start. */
export const replicasHostPort: LintRule = {
  code: "E_CHECK_REPLICAS_HOST_PORT",
  severity: "error",
  title: "several replicas publish the same fixed host port",
  hint: "route traffic with `x-slipway.routes` instead of a host port, or publish a range with one port per replica",
  *check(spec) {
    const swarm = spec["x-slipway"].target === "swarm";
    for (const service of Object.values(spec.services)) {
      const { replicas, mode } = service.deploy;
      if (replicas < 2 || mode !== "replicated") continue;
      for (const [index, port] of service.ports.entries()) {
        const host = fixedHostPort(port);
        // swarm's ingress routing mesh spreads one published port over every replica
        if (host === undefined || (swarm && port.mode === "ingress")) continue;
        yield {
          message: `service "${service.name}" runs ${replicas} replicas but publishes fixed host port ${host}: they would collide`,
          path: ["services", service.name, "ports", index],
          hint: `route traffic with \`x-slipway.routes\` instead of a host port, or publish a range ("${host}-${host + replicas - 1}:${port.target}")`,
        };
      }
    }
  },
};

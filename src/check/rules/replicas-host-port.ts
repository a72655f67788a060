import type { LintRule } from "../rule.js";
import { fixedHostPort } from "./common.js";

/** Several replicas of a service that binds one fixed host port: only the first can start. */
export const replicasHostPort: LintRule = {
  code: "E_CHECK_REPLICAS_HOST_PORT",
  severity: "error",
  title: "several replicas publish the same fixed host port",
  hint: "route traffic with `x-slipway.routes` instead of a host port, or publish a range with one port per replica",
  *check(spec) {
    const target = spec["x-slipway"].target;
    for (const service of Object.values(spec.services)) {
      const { replicas, mode } = service.deploy;
      if (replicas < 2 || mode !== "replicated") continue;
      for (const [index, port] of service.ports.entries()) {
        const host = fixedHostPort(port);
        if (host === undefined) continue;
        // swarm's ingress routing mesh spreads one published port over every replica
        if (target === "swarm" && port.mode === "ingress") continue;
        // on the process target slipway's own proxy holds the published TCP port and spreads
        // connections over the replicas (each listens on a port of its own)
        if (target === "process" && port.protocol === "tcp") continue;
        yield {
          message: `service "${service.name}" runs ${replicas} replicas but publishes fixed host port ${host}: they would collide`,
          path: ["services", service.name, "ports", index],
          hint: `route traffic with \`x-slipway.routes\` instead of a host port, or publish a range ("${host}-${host + replicas - 1}:${port.target}")`,
        };
      }
    }
  },
};

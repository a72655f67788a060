import type { Port } from "../../manifest/model.js";
import type { LintRule } from "../rule.js";
import { fixedHostPort, onAllInterfaces } from "./common.js";

interface Binding {
  readonly service: string;
  readonly index: number;
  readonly port: Port;
}

/** Two bindings collide when they share a protocol and address, or one of them takes every address. */
const overlaps = (a: Port, b: Port) =>
  a.protocol === b.protocol && (onAllInterfaces(a) || onAllInterfaces(b) || a.host_ip === b.host_ip);

/** The same host port published twice on overlapping addresses. */
export const hostPortConflict: LintRule = {
  code: "E_CHECK_HOST_PORT_CONFLICT",
  severity: "error",
  title: "host port published twice",
  hint: "publish a different host port, or bind each to its own `host_ip`",
  *check(spec) {
    const seen = new Map<number, Binding[]>();
    for (const service of Object.values(spec.services)) {
      for (const [index, port] of service.ports.entries()) {
        const host = fixedHostPort(port);
        if (host === undefined) continue;
        const earlier = seen.get(host) ?? [];
        const clash = earlier.find((binding) => overlaps(binding.port, port));
        if (clash) {
          const owner = clash.service === service.name ? "it" : `service "${clash.service}"`;
          yield {
            message: `service "${service.name}" publishes host port ${host}/${port.protocol}, which ${owner} already publishes (services.${clash.service}.ports[${clash.index}])`,
            path: ["services", service.name, "ports", index],
          };
        }
        seen.set(host, [...earlier, { service: service.name, index, port }]);
      }
    }
  },
};

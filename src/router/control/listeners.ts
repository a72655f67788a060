import type { ServiceSpec } from "../../manifest/model.js";
import { primaryPort } from "../../network/ports.js";
import type { L4Listener } from "../l4/config.js";

/** An instance as the proxy needs it: where it listens and whether it takes traffic. */
export interface RoutableInstance {
  readonly id: string;
  readonly service: string;
  readonly port: number | null;
  /** Only `healthy` instances are in rotation (a service without a healthcheck is healthy once it listens). */
  readonly state: string;
}

/**
 * Listeners of one project: every service's loopback address at its Compose port (how services
 * reach each other by name) and every published port on the host, each forwarding to the
 * service's instances in rotation.
 */
export function projectListeners(
  project: string,
  services: readonly ServiceSpec[],
  addresses: Readonly<Record<string, string>>,
  instances: readonly RoutableInstance[],
): L4Listener[] {
  const listeners: L4Listener[] = [];
  for (const service of services) {
    const port = primaryPort(service);
    const address = addresses[service.name];
    if (port === undefined || !address || service["x-slipway"].schedule) continue;
    const upstreams = instances
      .filter((i) => i.service === service.name && i.state === "healthy" && i.port !== null)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((i) => ({ id: i.id, host: "127.0.0.1", port: i.port! }));
    listeners.push({ name: `${project}/${service.name}:${port}`, host: address, port, upstreams });
    for (const published of service.ports) {
      if (!published.published || published.target !== port || published.protocol !== "tcp") continue;
      const hostPort = Number(published.published);
      if (!Number.isInteger(hostPort)) continue;
      listeners.push({
        name: `${project}/${service.name} published ${published.published}`,
        host: published.host_ip ?? "0.0.0.0",
        port: hostPort,
        upstreams,
      });
    }
  }
  return listeners;
}

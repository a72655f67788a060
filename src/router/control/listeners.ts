import type { ServiceSpec } from "../../manifest/model.js";
import { declaredPorts } from "../../network/ports.js";
import { publishedProtocol } from "../../network/published-http.js";
import type { L4Listener, L4Upstream } from "../l4/config.js";

/** An instance as the proxy needs it: where it listens and whether it takes traffic. */
export interface RoutableInstance {
  readonly id: string;
  readonly service: string;
  /** Where it listens for the service's primary port. */
  readonly port: number | null;
  /** Where it listens for each other declared port, keyed by the Compose port. Default none. */
  readonly ports?: Readonly<Record<string, number>> | undefined;
  /** Only `healthy` instances are in rotation (a service without a healthcheck is healthy once it listens). */
  readonly state: string;
}

/** Healthy instances of a service that listen for `port` (the primary one, or one of their extra ports). */
function upstreamsFor(
  service: string,
  port: number,
  primary: boolean,
  instances: readonly RoutableInstance[],
): L4Upstream[] {
  return instances
    .filter((i) => i.service === service && i.state === "healthy")
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .flatMap((i) => {
      const at = primary ? i.port : i.ports?.[port];
      return at == null ? [] : [{ id: i.id, host: "127.0.0.1", port: at }];
    });
}

/**
 * Listeners of one project: every service's loopback address at each of its declared ports (how
 * services reach each other by name) and every published port on the host that does not carry HTTP,
 * each forwarding to the service's instances in rotation.
 */
export function projectListeners(
  project: string,
  services: readonly ServiceSpec[],
  addresses: Readonly<Record<string, string>>,
  instances: readonly RoutableInstance[],
): L4Listener[] {
  const listeners: L4Listener[] = [];
  for (const service of services) {
    const address = addresses[service.name];
    if (!address || service["x-slipway"].schedule) continue;
    declaredPorts(service).forEach((port, index) => {
      const upstreams = upstreamsFor(service.name, port, index === 0, instances);
      listeners.push({ name: `${project}/${service.name}:${port}`, host: address, port, upstreams });
      for (const published of service.ports) {
        if (!published.published || published.target !== port || published.protocol !== "tcp") continue;
        // HTTP ports are the router's (request-level draining and retries), see published-http.ts.
        if (publishedProtocol(service, published) === "http") continue;
        const hostPort = Number(published.published);
        if (!Number.isInteger(hostPort)) continue;
        listeners.push({
          name: `${project}/${service.name} published ${published.published}`,
          host: published.host_ip ?? "0.0.0.0",
          port: hostPort,
          upstreams,
        });
      }
    });
  }
  return listeners;
}

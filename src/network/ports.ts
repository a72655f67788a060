import { createServer } from "node:net";
import { imageDefaultPort } from "../manifest/images.js";
import type { ServiceSpec } from "../manifest/model.js";

/** A TCP port free on loopback right now, for one instance to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The port a service's instances listen on, as written in Compose: the first of `ports`, `expose`,
 * route ports, else the port its image listens on (5432 for postgres, 6379 for redis).
 */
export function primaryPort(service: ServiceSpec): number | undefined {
  const candidates = [
    ...service.ports.map((p) => p.target),
    ...(service.expose ?? []).map((e) => Number.parseInt(String(e), 10)),
    ...service["x-slipway"].routes.flatMap((r) => (r.port ? [r.port] : [])),
    imageDefaultPort(service.image) ?? 0,
  ];
  return candidates.find((port) => Number.isInteger(port) && port > 0);
}

/**
 * Every TCP port a service declares (`ports` targets, `expose`, route ports), the primary one first:
 * each is reachable by name. An instance listens on the primary one at `PORT`, on each other one
 * at the port slipway gives it in `PORT_<compose port>`.
 */
export function declaredPorts(service: ServiceSpec): number[] {
  const primary = primaryPort(service);
  if (primary === undefined) return [];
  const declared = [
    ...service.ports.filter((p) => p.protocol === "tcp").map((p) => p.target),
    ...(service.expose ?? []).map((e) => Number.parseInt(String(e), 10)),
    ...service["x-slipway"].routes.flatMap((r) => (r.port ? [r.port] : [])),
  ];
  return [...new Set([primary, ...declared])].filter((port) => Number.isInteger(port) && port > 0);
}

/** A free loopback port for each declared port but the primary one, keyed by the Compose port. */
export async function allocateExtraPorts(service: ServiceSpec): Promise<Record<string, number>> {
  const extra: Record<string, number> = {};
  for (const port of declaredPorts(service).slice(1)) extra[port] = await freePort();
  return extra;
}

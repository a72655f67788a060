import { z } from "zod";

/** A host name label, a dotted name, `localhost`, or a bracketed IPv6 address, with an optional port. */
const HOST = String.raw`(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?`;
/** Repository path components as the distribution spec allows them (lower case, `.`, `_`, `__`, `-`). */
const PATH = `(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*`;
const ADDRESS = new RegExp(`^${HOST}${PATH}$`);

/**
 * Whether `value` names a registry (and an optional path in it) the way image references do: its
 * first part must be a host (a dot, a port or `localhost`), or Docker would read it as a Docker Hub
 * namespace. No tag or digest: slipway tags per release and runs by digest.
 */
export function isRegistryAddress(value: string): boolean {
  if (!ADDRESS.test(value)) return false;
  const host = value.split("/")[0]!;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return host === "localhost" || host.startsWith("[") || host.includes(".") || host.includes(":");
}

/** `x-slipway.registry`: where the swarm target pushes release images (`127.0.0.1:5000/team`). */
export const registryAddress = z
  .string()
  .refine(
    isRegistryAddress,
    "must be a registry host with an optional path, such as registry.example.com/team or 127.0.0.1:5000/team (no tag, no scheme)",
  );

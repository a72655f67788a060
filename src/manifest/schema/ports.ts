import { z } from "zod";
import { composeObject } from "./object.js";
import { int } from "./scalars.js";

/** A published or exposed port, in Compose's long syntax. */
export interface Port {
  readonly name?: string | undefined;
  /** Port inside the service (the port the process listens on). */
  readonly target: number;
  /** Host port or range; absent means not published on the host. */
  readonly published?: string | undefined;
  /** Host address to bind; absent means all interfaces (`0.0.0.0`). */
  readonly host_ip?: string | undefined;
  /** Default `tcp`. */
  readonly protocol: "tcp" | "udp" | "sctp";
  /** Default `ingress`. */
  readonly mode: "ingress" | "host";
  readonly app_protocol?: string | undefined;
}

const SHORT_PORT =
  /^(?:(?:(?<ip>\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]*::[0-9a-fA-F:]*)?:)?(?<published>\d+(?:-\d+)?)?:)?(?<target>\d+(?:-\d+)?)(?:\/(?<protocol>tcp|udp|sctp))?$/;

type PortRange = readonly [number, number];

/**
 * Bounds on how far ranges expand: each port is a listener of slipway's proxy, and
 * `"1-65535:1-65535"` × 20 would otherwise make `config` expand a million entries and hang.
 */
export const MAX_PORTS_PER_ENTRY = 1024;
export const MAX_PORTS_PER_SERVICE = 4096;
const RANGE = /^\d+(?:-\d+)?$/;

/** `PORT` or `START-END`; a container port is 1-65535, a host port 0-65535 (0: any free port). */
function parseRange(text: string, role: "host" | "container"): PortRange | string {
  const min = role === "host" ? 0 : 1;
  const [from, to = from] = text.split("-").map(Number) as [number, number?];
  if (to < from) return `a backwards ${role} port range`;
  if (from < min || to > 65535) return `a ${role} port outside ${min}-65535`;
  return [from, to];
}

/** A host port (long syntax `published`), as a number or a string: a port or a range. */
export function parsePublished(value: string | number): PortRange | string {
  const text = String(value).trim();
  const range = RANGE.test(text)
    ? parseRange(text, "host")
    : "not a port or a range (like 8080 or 8000-8010)";
  return typeof range === "string" ? `"${text}" is ${range}` : range;
}

/** Parses `[HOST_IP:][HOST_PORT[-END]:]PORT[-END][/PROTOCOL]`; matching ranges expand to one entry per port. */
export function parseShortPort(spec: string): Port[] | string {
  const match = SHORT_PORT.exec(spec.trim());
  if (!match?.groups) {
    return `"${spec}" is not a port; write it as PORT, HOST_PORT:PORT or HOST_IP:HOST_PORT:PORT[/udp]`;
  }
  const { ip, published, target: targetText, protocol } = match.groups;
  const target = parseRange(targetText!, "container");
  const host = published === undefined ? undefined : parseRange(published, "host");
  if (typeof host === "string") return `"${spec}" has ${host}`;
  if (typeof target === "string") return `"${spec}" has ${target}`;
  const hostIp = ip ? ip.replace(/^\[|\]$/g, "") : undefined;
  const base = {
    protocol: (protocol ?? "tcp") as Port["protocol"],
    mode: "ingress" as const,
    host_ip: hostIp,
  };
  const targetCount = target[1] - target[0] + 1;
  if (targetCount > MAX_PORTS_PER_ENTRY)
    return `"${spec}" is a range of ${targetCount} ports; one entry may have at most ${MAX_PORTS_PER_ENTRY}`;
  if (host && targetCount > 1 && host[1] - host[0] + 1 !== targetCount) {
    return `"${spec}" maps ${host[1] - host[0] + 1} host ports to ${targetCount} ports; the ranges must be the same size`;
  }
  const ports: Port[] = [];
  for (let i = 0; i < targetCount; i++) {
    let hostPort: string | undefined;
    if (host)
      hostPort = targetCount > 1 || host[0] === host[1] ? String(host[0] + i) : `${host[0]}-${host[1]}`;
    ports.push({ ...base, target: target[0] + i, published: hostPort });
  }
  return ports;
}

const longPort = composeObject({
  name: z.string().optional(),
  mode: z.enum(["ingress", "host"]).default("ingress"),
  host_ip: z.string().optional(),
  target: int.pipe(z.number().int().min(1).max(65535)),
  /** A host port or range; empty means not published (as `${PORT:-}` may leave it). */
  published: z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      if (value === "") return undefined;
      const range = parsePublished(value);
      if (typeof range === "string") ctx.addIssue({ code: "custom", message: range });
      return String(value).trim();
    })
    .optional(),
  protocol: z.enum(["tcp", "udp", "sctp"]).default("tcp"),
  app_protocol: z.string().optional(),
});

/** `ports`: short strings, numbers or long mappings, normalized to long entries. */
export const ports = z
  .array(
    z.union([z.string(), z.number(), longPort]).transform((value, ctx): Port[] => {
      if (typeof value === "object") return [value];
      const parsed = parseShortPort(String(value));
      if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  )
  .transform((lists, ctx) => {
    const all = lists.flat();
    if (all.length > MAX_PORTS_PER_SERVICE)
      ctx.addIssue({
        code: "custom",
        message: `${all.length} ports in all; a service may have at most ${MAX_PORTS_PER_SERVICE}`,
      });
    return all;
  });

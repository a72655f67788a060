import { createHash } from "node:crypto";
import type { Upstream, UpstreamSet } from "../model.js";
import { block, comment } from "./syntax.js";
import { socketAddress } from "./validate.js";

/** One `server` line of a route's upstream group: an active instance and its nginx weight. */
export interface WeightedServer {
  readonly upstream: Upstream;
  readonly version: string;
  /** Integer ≥ 1. */
  readonly weight: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * The servers of one route's single upstream group, weighted so that nginx's smooth weighted round
 * robin gives each set exactly its share: every server of set i gets `weight_i / count_i`, scaled
 * to integers by the least common multiple of the counts and reduced by the common divisor. 90/10
 * over 3 + 1 instances → 30, 30, 30 and 10 → 3, 3, 3, 1. Draining instances are left out (the old
 * workers finish their requests after the reload), and so are sets with weight 0 or no active
 * instance: nginx has no `weight=0`.
 */
export function serverWeights(sets: readonly UpstreamSet[]): WeightedServer[] {
  const live = sets
    .map((set) => ({
      set,
      // Weights may have decimals; three are kept.
      weight: Math.round(set.weight * 1000),
      active: set.upstreams.filter((upstream) => upstream.state === "active"),
    }))
    .filter(({ weight, active }) => weight > 0 && active.length > 0);
  const common = live.reduce((acc, { active }) => lcm(acc, active.length), 1);
  const servers = live.flatMap(({ set, weight, active }) =>
    active.map((upstream) => ({ upstream, version: set.version, weight: (weight * common) / active.length })),
  );
  const divisor = servers.reduce((acc, server) => gcd(server.weight, acc), 0);
  return servers.map((server) => ({ ...server, weight: server.weight / divisor }));
}

/** `slipway_shop_api_0_1a2b3c`: readable, unique per route id, only characters nginx allows. */
export function upstreamName(kind: "http" | "tcp", routeId: string): string {
  const slug = routeId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 40);
  const hash = createHash("sha256").update(routeId).digest("hex").slice(0, 6);
  return `slipway_${kind === "tcp" ? "tcp_" : ""}${slug}_${hash}`;
}

export interface UpstreamBlockOptions {
  /** Idle keep-alive connections per worker (http only). */
  readonly keepalive?: number | undefined;
}

/** The `upstream` block, or nothing when no server may take new requests. */
export function renderUpstream(
  name: string,
  servers: readonly WeightedServer[],
  path: string,
  options: UpstreamBlockOptions = {},
): string[] {
  if (servers.length === 0) return [];
  return block(`upstream ${name}`, [
    ...servers.flatMap((server) => [
      comment(`version ${server.version}, instance ${server.upstream.id}`),
      `server ${socketAddress(server.upstream.host, server.upstream.port, `${path}.upstreams`)} weight=${server.weight} max_fails=1 fail_timeout=10s;`,
    ]),
    options.keepalive !== undefined && `keepalive ${options.keepalive};`,
    // Below Node's default 5 s server keep-alive, so nginx never reuses a connection the app is closing.
    options.keepalive !== undefined && "keepalive_timeout 4s;",
  ]);
}

import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";

/** A seeded PRNG (mulberry32): the same seed gives the same faults at the same points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function environOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

const livePids = () =>
  readdirSync("/proc")
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid && !isZombie(pid));

/** The home's long-running slipway processes by role (`agent`, `router`, `proxy`): there must be one each. */
export function dataPlaneCounts(home: string): Record<"agent" | "router" | "proxy", number[]> {
  const out = { agent: [] as number[], router: [] as number[], proxy: [] as number[] };
  for (const pid of livePids()) {
    if (!environOf(pid).includes(`SLIPWAY_HOME=${home}`)) continue;
    // `node [flags] …/bin/slipway ROLE`: the daemons take no further argument (`agent start` is a CLI call).
    const argv = argvOf(pid).filter(Boolean);
    const bin = argv.findIndex((arg) => arg.endsWith("bin/slipway"));
    const role = bin !== -1 && argv.length === bin + 2 ? argv[bin + 1] : undefined;
    if (role === "agent" || role === "router" || role === "proxy") out[role].push(pid);
  }
  return out;
}

/** Live instance processes of a project by instance id; an id with two processes is a duplicate. */
export function instanceProcesses(project: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const pid of livePids()) {
    const env = environOf(pid);
    if (!env.includes(`SLIPWAY_PROJECT=${project}`)) continue;
    // The launch wrapper's short-lived helpers (mount) carry the env too; only the exec'd program counts.
    if (!argvOf(pid)[0]?.endsWith("node")) continue;
    const id = env.find((entry) => entry.startsWith("SLIPWAY_INSTANCE="))?.slice("SLIPWAY_INSTANCE=".length);
    if (id) out.set(id, [...(out.get(id) ?? []), pid]);
  }
  return out;
}

export const pidIn = (home: string, file: string): number | undefined => {
  try {
    return Number(readFileSync(join(home, file), "utf8").trim().split(" ")[0]) || undefined;
  } catch {
    return undefined;
  }
};

/** The version a fresh-connection GET on the port answers, or undefined. */
export function versionAt(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 3000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        try {
          resolve(
            response.statusCode === 200 ? (JSON.parse(body) as { version: string }).version : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

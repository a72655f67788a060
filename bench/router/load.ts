import { readFileSync } from "node:fs";
import autocannon from "autocannon";

/** What one bounded load run through one target measured. */
export interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
  /** CPU milliseconds the proxy's processes used per 1,000 requests (undefined without processes). */
  readonly cpuPerThousand: number | undefined;
}

/** User + system CPU time of processes, in ms (clock ticks are 10 ms on Linux). Gone processes count 0. */
export function cpuMs(pids: readonly number[]): number {
  return pids.reduce((total, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return total + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return total;
    }
  }, 0);
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second over all connections; default: as fast as the target answers. */
  readonly rate?: number | undefined;
  /** The proxy's processes, whose CPU time is measured during the run. */
  readonly pids?: readonly number[] | undefined;
}

/** One load run on loopback, bounded in time (and in count: `seconds` × the rate the target manages). */
export async function load(options: LoadOptions): Promise<Figures> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(options.url))
    throw new Error(`not a loopback URL: ${options.url}`);
  const pids = options.pids ?? [];
  const before = cpuMs(pids);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate !== undefined ? { overallRate: options.rate } : {}),
  });
  const used = cpuMs(pids) - before;
  return {
    rps: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    requests: result.requests.total,
    cpuPerThousand:
      pids.length > 0 && result.requests.total > 0 ? (used / result.requests.total) * 1000 : undefined,
  };
}

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

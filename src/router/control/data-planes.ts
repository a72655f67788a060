import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { listeningAddressesOf } from "../../host/port-holder.js";
import { readProcStat } from "../../host/proc-stat.js";
import type { SlipwayPaths } from "../../state/paths.js";

/** A data-plane process of a home (the service proxy, the builtin router, nginx's master) that runs now. */
export interface DataPlaneProcess {
  readonly name: "proxy" | "router" | "nginx";
  readonly pid: number;
  /** `host:port` it listens on. */
  readonly listening: readonly string[];
}

/** The PID in a pid file (`pid` or `pid start-time`) when that very process still runs. */
function livePid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const [pid, startTime] = readFileSync(file, "utf8").trim().split(" ");
  const stat = readProcStat(Number(pid));
  if (!stat || stat.state === "Z" || (startTime && stat.startTime !== startTime)) return undefined;
  return Number(pid);
}

/**
 * The data planes of a home that run now, found through their pid files: what `agent status` shows,
 * also while no agent runs (they outlive it on purpose, so traffic flows through agent restarts).
 */
export function runningDataPlanes(paths: SlipwayPaths): DataPlaneProcess[] {
  const files = [
    ["proxy", paths.proxyPidFile],
    ["router", paths.routerPidFile],
    ["nginx", join(paths.home, "nginx", "nginx.pid")],
  ] as const;
  return files.flatMap(([name, file]) => {
    const pid = livePid(file);
    return pid === undefined ? [] : [{ name, pid, listening: listeningAddressesOf(pid) }];
  });
}

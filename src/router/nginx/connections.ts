import { readFileSync } from "node:fs";

/** TCP state ESTABLISHED in /proc/net/tcp{,6}. */
const ESTABLISHED = "01";

/**
 * Established TCP connections accepted on a local port, read from /proc/net/tcp and tcp6 (Linux).
 * nginx keeps no per-upstream count slipway can ask for, so a draining instance's open connections
 * (requests in flight, WebSockets held by old workers) are counted at the instance's own port.
 */
export function establishedOn(port: number, files = ["/proc/net/tcp", "/proc/net/tcp6"]): number {
  let count = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== ESTABLISHED) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) count++;
    }
  }
  return count;
}

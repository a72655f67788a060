import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** One listening socket of `/proc/net/tcp{,6}`: its local address and inode. */
export interface ListeningSocket {
  readonly host: string;
  readonly port: number;
  readonly inode: string;
}

/** `0100007F` → `127.0.0.1`; IPv6 words are kept as 32 hex digits (only `::` and `::1` matter here). */
function decodeHost(hex: string): string {
  if (hex.length === 8) {
    const bytes = hex.match(/../g)!.map((b) => Number.parseInt(b, 16));
    return bytes.reverse().join(".");
  }
  if (/^0+$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  // An IPv4-mapped IPv6 address: ::ffff:a.b.c.d, the IPv4 part in the last 32-bit word.
  if (hex.startsWith("0000000000000000FFFF0000")) return decodeHost(hex.slice(24));
  return hex;
}

/** Pure: the sockets in LISTEN state (`st` = 0A) of one `/proc/net/tcp` or `/proc/net/tcp6` text. */
export function parseListeningSockets(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== "0A") continue;
    const [hostHex, portHex] = fields[1]!.split(":");
    if (!hostHex || !portHex) continue;
    out.push({ host: decodeHost(hostHex), port: Number.parseInt(portHex, 16), inode: fields[9]! });
  }
  return out;
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);

/**
 * The PID of a process listening where `host:port` would bind (the same address, or a wildcard
 * on that port), found through `/proc/net/tcp*` and `/proc/PID/fd`; undefined when it cannot be
 * found (another network namespace, or a process of another user seen without root).
 */
export function findPortHolder(host: string, port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const socket of parseListeningSockets(text)) {
      const matches = socket.host === host || WILDCARDS.has(socket.host) || WILDCARDS.has(host);
      if (socket.port === port && matches) inodes.add(`socket:[${socket.inode}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** `host:port` of every TCP socket `pid` listens on (empty when it is gone or cannot be inspected). */
export function listeningAddressesOf(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const socket of parseListeningSockets(text))
      if (inodes.has(socket.inode))
        out.push(`${socket.host.includes(":") ? `[${socket.host}]` : socket.host}:${socket.port}`);
  }
  return [...new Set(out)].sort();
}

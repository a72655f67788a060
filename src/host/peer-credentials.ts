import { createRequire } from "node:module";
import type { Socket } from "node:net";

/** Who is at the other end of a unix socket, as the kernel recorded it at `connect()`. */
export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  /** Effective group. */
  readonly gid: number;
  /** Supplementary groups (SO_PEERGROUPS; empty on kernels before 4.13). */
  readonly groups: readonly number[];
}

interface PeerCredAddon {
  peerCredentials(fd: number): PeerCredentials;
}

/**
 * The native addon (`native/peercred`, built by `npm run build`): Node has no SO_PEERCRED, and no
 * maintained npm package returns the whole `struct ucred` (see the README's Security section).
 * From `src/host/` and `dist/host/` alike, the repository root is two levels up.
 */
const ADDON = new URL("../../native/peercred/build/Release/peercred.node", import.meta.url);

let addon: PeerCredAddon | undefined;

/** Loads the addon; throws (with the path) when it was not built. */
export function loadPeerCredentials(): void {
  addon ??= createRequire(import.meta.url)(ADDON.pathname) as PeerCredAddon;
}

/** The peer of a connected unix socket; throws when the socket has no descriptor or no peer. */
export function peerCredentials(socket: Socket): PeerCredentials {
  loadPeerCredentials();
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new Error("the socket has no file descriptor");
  return addon!.peerCredentials(fd);
}

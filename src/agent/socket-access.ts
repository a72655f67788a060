import { chmodSync, chownSync, statSync } from "node:fs";
import { SlipwayError } from "../errors.js";
import { loadPeerCredentials, type PeerCredentials } from "../host/peer-credentials.js";
import { resolveGroup, userName } from "../host/users.js";

/** Who may call the agent: root, the agent's own user, and members of `group` when one is set. */
export interface SocketAccess {
  readonly ownerUid: number;
  /** From `SLIPWAY_SOCKET_GROUP` (name or gid). Default none: the socket is `0600`. */
  readonly group?: { readonly name: string; readonly gid: number } | undefined;
}

/** Pure: does this peer pass? Root and the owner always; a group member when a group is set. */
export function admits(peer: PeerCredentials, access: SocketAccess): boolean {
  if (peer.uid === 0 || peer.uid === access.ownerUid) return true;
  const gid = access.group?.gid;
  return gid !== undefined && (peer.gid === gid || peer.groups.includes(gid));
}

/** A caller as the audit log names it: `nobody (uid 65534)`. */
export function describePeer(
  peer: PeerCredentials,
  nameOf: (uid: number) => string | undefined = userName,
): string {
  return `${nameOf(peer.uid) ?? "?"} (uid ${peer.uid})`;
}

/** The refusal a caller that does not pass gets (HTTP 403). */
export function forbidden(peer: PeerCredentials | undefined, access: SocketAccess): SlipwayError {
  return new SlipwayError({
    code: "E_API_FORBIDDEN",
    message: `${peer ? describePeer(peer) : "a caller whose credentials cannot be read"} may not use this slipway agent`,
    hint: `only root, uid ${access.ownerUid} (the agent's user)${access.group ? ` and members of group ${access.group.name}` : ""} may; a group is set with SLIPWAY_SOCKET_GROUP where the agent starts`,
  });
}

/**
 * The agent's access policy from its environment. Refuses to start (coded) when the peer check is
 * not available (the native addon was not built) or the group is unknown: never an open socket.
 */
export function socketAccessFromEnv(env: NodeJS.ProcessEnv = process.env): SocketAccess {
  try {
    loadPeerCredentials();
  } catch (error) {
    throw new SlipwayError(
      {
        code: "E_AGENT_PEER_CREDENTIALS",
        message: `the agent cannot check who calls it: ${(error as Error).message.split("\n")[0]}`,
        hint: "build the native addon with `npm run build` (it needs python3, make and a C compiler)",
      },
      { cause: error },
    );
  }
  const ownerUid = process.geteuid?.() ?? 0;
  const name = env.SLIPWAY_SOCKET_GROUP?.trim();
  if (!name) return { ownerUid };
  const group = resolveGroup(name);
  if (!group)
    throw new SlipwayError({
      code: "E_AGENT_SOCKET_GROUP",
      message: `SLIPWAY_SOCKET_GROUP names an unknown group: ${name}`,
      hint: "name a group of /etc/group (or a numeric gid), or unset it for an owner-only socket",
    });
  return { ownerUid, group };
}

/**
 * Socket `0600`, or `0660` in the group with the home group-traversable (`g+x`, never `g+r`: its
 * files stay `0600`). The peer check stands behind the modes, whatever they are.
 */
export function applySocketMode(socket: string, home: string, access: SocketAccess): void {
  if (!access.group) {
    chmodSync(socket, 0o600);
    chmodSync(home, statSync(home).mode & 0o7777 & ~0o070);
    return;
  }
  chownSync(socket, -1, access.group.gid);
  chmodSync(socket, 0o660);
  chownSync(home, -1, access.group.gid);
  chmodSync(home, (statSync(home).mode & 0o7777 & ~0o070) | 0o010);
}

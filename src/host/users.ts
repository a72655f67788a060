import { readFileSync } from "node:fs";

/** Numeric identity a process is started with. */
export interface UnixIdentity {
  readonly uid: number;
  readonly gid: number;
}

interface DatabaseEntry {
  readonly name: string;
  readonly id: number;
  /** Primary group (passwd only). */
  readonly gid: number;
}

/** Parses `/etc/passwd` (name:x:uid:gid:…) or `/etc/group` (name:x:gid:…) text. */
export function parseIdDatabase(text: string): DatabaseEntry[] {
  const entries: DatabaseEntry[] = [];
  for (const line of text.split("\n")) {
    const [name, , id, gid] = line.split(":");
    if (!name || id === undefined || !/^\d+$/.test(id)) continue;
    entries.push({
      name,
      id: Number(id),
      gid: gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : Number(id),
    });
  }
  return entries;
}

function readDatabase(path: string): DatabaseEntry[] {
  try {
    return parseIdDatabase(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}

/**
 * Resolves `user` as written in a Compose file: `name`, `uid`, `name:group` or `uid:gid`. Without a
 * group, the user's primary group from /etc/passwd is used (or gid = uid for an unknown numeric uid).
 * Only the local files are read (no NSS/LDAP). Undefined when a name is unknown.
 */
export function resolveUser(
  user: string,
  passwd = readDatabase("/etc/passwd"),
  groups = readDatabase("/etc/group"),
): UnixIdentity | undefined {
  const [userPart = "", groupPart] = user.split(":");
  const account = /^\d+$/.test(userPart)
    ? (passwd.find((entry) => entry.id === Number(userPart)) ?? {
        name: userPart,
        id: Number(userPart),
        gid: Number(userPart),
      })
    : passwd.find((entry) => entry.name === userPart);
  if (account === undefined) return undefined;
  if (groupPart === undefined || groupPart === "") return { uid: account.id, gid: account.gid };
  if (/^\d+$/.test(groupPart)) return { uid: account.id, gid: Number(groupPart) };
  const group = groups.find((entry) => entry.name === groupPart);
  return group === undefined ? undefined : { uid: account.id, gid: group.id };
}

/** A user's name for logs (`nobody`), or undefined when /etc/passwd does not name the uid. */
export function userName(uid: number, passwd = readDatabase("/etc/passwd")): string | undefined {
  return passwd.find((entry) => entry.id === uid)?.name;
}

/** A group by name or number from /etc/group (a number is taken as is). Undefined when unknown. */
export function resolveGroup(
  group: string,
  groups = readDatabase("/etc/group"),
): { readonly name: string; readonly gid: number } | undefined {
  const found = /^\d+$/.test(group)
    ? groups.find((entry) => entry.id === Number(group))
    : groups.find((entry) => entry.name === group);
  if (found) return { name: found.name, gid: found.id };
  return /^\d+$/.test(group) ? { name: group, gid: Number(group) } : undefined;
}

import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A local account: numeric identity and home directory. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Pure: the account named `name` in `/etc/passwd` text (name:x:uid:gid:gecos:home:shell). */
export function findAccount(passwd: string, name: string): SystemUser | undefined {
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid, , home] = line.split(":");
    if (user === name && uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid))
      return { name, uid: Number(uid), gid: Number(gid), home: home || "/nonexistent" };
  }
  return undefined;
}

const readPasswd = () => readFileSync("/etc/passwd", "utf8");

/**
 * The unprivileged system account `name` (no login shell, its own group), made with `useradd` when
 * it does not exist, with a private home at `home` (created `0700`, owned by it). Needs root to
 * create; throws with useradd's words when it cannot.
 */
export function ensureSystemUser(name: string, home: string): SystemUser {
  let user = findAccount(readPasswd(), name);
  if (!user) {
    const made = spawnSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--home-dir",
        home,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        name,
      ],
      { encoding: "utf8" },
    );
    user = findAccount(readPasswd(), name);
    if (!user) throw new Error(`useradd ${name} failed: ${(made.error?.message ?? made.stderr).trim()}`);
  }
  if (!existsSync(user.home) && user.home !== "/nonexistent") {
    mkdirSync(user.home, { recursive: true, mode: 0o700 });
    chownSync(user.home, user.uid, user.gid);
    chmodSync(user.home, 0o700);
  }
  return user;
}

/** Gives `dir` and everything under it to uid:gid, never following a symbolic link. */
export function chownTree(dir: string, uid: number, gid: number): void {
  lchownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    lchownSync(join(entry.parentPath, entry.name), uid, gid);
}

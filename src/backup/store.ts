import type { Readable } from "node:stream";
import { BackupError } from "./errors.js";

/** One object in a backup store. */
export interface StoredObject {
  /** Key relative to the store (`project/service/id.postgres.zst`). */
  readonly key: string;
  readonly size: number;
  readonly modifiedAt: Date;
}

/**
 * Where backups live. Keys are relative POSIX paths (`a/b/c.gz`, no `..`, no leading `/`).
 * An object becomes visible only once `put` has resolved: a failed `put` leaves nothing behind.
 */
export interface BackupStore {
  /** Short description for messages (`local /var/backups`, `s3://bucket/prefix`). */
  readonly description: string;
  /** Streams `body` into `key`, replacing any previous object; rejects with `E_BACKUP_UPLOAD`. */
  put(key: string, body: Readable): Promise<void>;
  /** The object's bytes; rejects with `E_BACKUP_NOT_FOUND` when there is none. */
  get(key: string): Promise<Readable>;
  /**
   * A file on this machine holding the object, when the store keeps it as one (a restore reads it in
   * place instead of copying it first); undefined otherwise. Optional: remote stores have none.
   */
  localFile?(key: string): Promise<string | undefined>;
  /** Size and time of the object, or undefined when there is none. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Every object whose key starts with `prefix` (plain string prefix, as S3), sorted by key. */
  list(prefix: string): Promise<readonly StoredObject[]>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Checks that `key` is a relative path of plain segments, so no store can be tricked out of its root. */
export function checkKey(key: string): string {
  const segments = key.split("/");
  if (key.length === 0 || key.length > 512 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `"${key}" is not a valid backup key`,
      "keys are relative paths of segments made of letters, digits, `.`, `_` and `-`, not starting with `.`",
    );
  }
  return key;
}

/** Checks a list prefix: empty, or a key, or a key followed by `/`. */
export function checkPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  checkKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}

import { BackupError } from "../../errors.js";
import { runTool } from "../tool-process.js";
import { redisTool } from "./connection.js";

/** What an RDB file holds, as `redis-check-rdb` counts it (all databases together). */
export interface RdbCounts {
  /** Keys in the file. */
  readonly keys: number;
  /** Of those, keys with a TTL (they may have expired before a restore). */
  readonly expires: number;
  /** Of those, keys already past their TTL when checked (a server loading the file drops them). */
  readonly alreadyExpired: number;
}

/** Parses the `[info] N keys read` lines of redis-check-rdb. */
export function parseRdbCheck(output: string): RdbCounts | undefined {
  const count = (label: string) =>
    Number(new RegExp(`\\[info\\] (\\d+) ${label}`).exec(output)?.[1] ?? Number.NaN);
  const counts = {
    keys: count("keys read"),
    expires: count("expires"),
    alreadyExpired: count("already expired"),
  };
  return Object.values(counts).every(Number.isInteger) ? counts : undefined;
}

/** Checks an RDB file's structure and checksum with redis-check-rdb; a bad file is `E_BACKUP_CORRUPT`. */
export async function checkRdb(path: string): Promise<RdbCounts> {
  const output = await runTool(redisTool("redis-check-rdb"), [path]).catch((error: unknown) => {
    throw new BackupError(
      "E_BACKUP_CORRUPT",
      `the RDB file does not pass redis-check-rdb: ${(error as Error).message}`,
    );
  });
  const counts = parseRdbCheck(output);
  if (!counts)
    throw new BackupError("E_BACKUP_TOOL", `redis-check-rdb printed no key counts: ${output.slice(-300)}`);
  return counts;
}

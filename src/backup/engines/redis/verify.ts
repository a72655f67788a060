import { createWriteStream } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CheckResult, VerifyContext, VerifyOutcome } from "../../engine.js";
import { BackupError, messageOf } from "../../errors.js";
import { runTool } from "../tool-process.js";
import type { RedisConnection } from "./connection.js";
import type { RdbCounts } from "./rdb-check.js";
import { startScratchRedis } from "./scratch-server.js";

/**
 * Loads the RDB into a scratch redis-server on a free loopback port, compares its key count (DBSIZE
 * over all databases) with the count recorded at backup time, runs the user's command against it
 * (`REDIS_HOST`, `REDIS_PORT`, `REDIS_URL` in its environment), and stops it by pid.
 */
export async function verifyRedis(
  connection: RedisConnection,
  input: Readable,
  context: VerifyContext,
): Promise<VerifyOutcome> {
  const expected = recordedCounts(context.contents);
  const dir = await mkdtemp(join(context.tmpDir ?? tmpdir(), "slipway-redis-verify-"));
  try {
    await pipeline(input, createWriteStream(join(dir, "dump.rdb"), { mode: 0o600 }));
    if (connection.runAs) {
      await chown(dir, connection.runAs.uid, connection.runAs.gid);
      await chown(join(dir, "dump.rdb"), connection.runAs.uid, connection.runAs.gid);
    }
    const server = await startScratchRedis(dir, "dump.rdb", connection.runAs);
    try {
      const checks: CheckResult[] = [
        { name: "restore", ok: true, message: `loaded into a scratch redis-server on port ${server.port}` },
      ];
      checks.push(compareKeyCount(expected, keyCount(await server.cli("INFO", "keyspace"))));
      if (context.check !== undefined) {
        const env = {
          REDIS_HOST: "127.0.0.1",
          REDIS_PORT: String(server.port),
          REDIS_URL: `redis://127.0.0.1:${server.port}`,
        };
        checks.push(
          await runTool("/bin/sh", ["-c", context.check], { env, runAs: connection.runAs, cwd: dir }).then(
            () => ({ name: "user check", ok: true, message: "the check command succeeded" }),
            (error: unknown) => ({ name: "user check", ok: false, message: messageOf(error) }),
          ),
        );
      }
      return { ok: checks.every((check) => check.ok), checks };
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sums `keys=` over the `dbN:` lines of `INFO keyspace`. */
export function keyCount(info: string): number {
  let total = 0;
  for (const match of info.matchAll(/^db\d+:keys=(\d+)/gm)) total += Number(match[1]);
  return total;
}

/** Keys with a TTL may have expired since the backup; every other key must be there. */
export function compareKeyCount(expected: RdbCounts, loaded: number): CheckResult {
  const most = expected.keys - expected.alreadyExpired;
  const least = expected.keys - expected.expires;
  if (loaded === most) return { name: "key count", ok: true, message: `${loaded} keys, as backed up` };
  if (loaded <= most && loaded >= least) {
    return {
      name: "key count",
      ok: true,
      message: `${loaded} keys; ${most - loaded} keys with a TTL expired since the backup`,
    };
  }
  return { name: "key count", ok: false, message: `${loaded} keys loaded, ${most} were backed up` };
}

function recordedCounts(contents: Readonly<Record<string, unknown>>): RdbCounts {
  const { keys, expires, alreadyExpired } = contents;
  if (![keys, expires, alreadyExpired].every(Number.isInteger)) {
    throw new BackupError("E_BACKUP_CORRUPT", "the manifest has no key counts to verify against");
  }
  return { keys, expires, alreadyExpired } as RdbCounts;
}

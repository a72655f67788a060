import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineDump } from "../../engine.js";
import { runTool } from "../tool-process.js";
import { type RedisConnection, redisCliArgs, redisEnv, redisTool } from "./connection.js";
import { checkRdb, type RdbCounts } from "./rdb-check.js";

/** What a Redis backup records: the key counts of its RDB snapshot. */
export type RedisContents = RdbCounts & { readonly [key: string]: unknown };

/**
 * Takes a consistent RDB snapshot with `redis-cli --rdb` (the server forks and streams a snapshot,
 * as for a replica) into a private temporary file, checks it with redis-check-rdb (which also counts
 * its keys), and streams the file. A file rather than `--rdb -`: redis-cli 7.0 appends its
 * end-of-transfer marker to stdout, and only truncates it away in a file.
 */
export async function dumpRedis(
  connection: RedisConnection,
  tmpDir: string | undefined,
): Promise<EngineDump> {
  const dir = await mkdtemp(join(tmpDir ?? tmpdir(), "slipway-rdb-"));
  try {
    const file = join(dir, "dump.rdb");
    await runTool(redisTool("redis-cli"), [...redisCliArgs(connection), "--rdb", file], {
      env: redisEnv(connection),
    });
    const counts = await checkRdb(file);
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    // Removed when the stream closes: read to the end, failed, or destroyed unread.
    stream.once("close", () => void rm(dir, { recursive: true, force: true }));
    return { stream, contents: Promise.resolve<RedisContents>({ ...counts }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

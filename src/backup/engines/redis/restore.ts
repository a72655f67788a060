import { createWriteStream, existsSync } from "node:fs";
import { chown, link, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RestoreContext, RestoreOutcome } from "../../engine.js";
import { BackupError } from "../../errors.js";
import { runTool } from "../tool-process.js";
import { type RedisConnection, redisCliArgs, redisEnv, redisTool } from "./connection.js";
import { checkRdb } from "./rdb-check.js";

/** Where a Redis backup is restored: an RDB file that a stopped redis-server loads when it starts. */
export interface RedisRestoreTarget {
  /** The RDB file to write. Default `<dataDir>/dump.rdb` of the connection. */
  readonly path?: string;
  /** Write even though an append-only file sits beside it (which Redis would load instead). Default false. */
  readonly force?: boolean;
}

/**
 * Produces the RDB file at `path` for a STOPPED Redis: written to a temporary file beside it, checked
 * with redis-check-rdb, then renamed over `path` (the previous file stays as `<path>.pre-<id>`).
 * The caller then starts (or restarts) redis-server with that `--dir` and `--dbfilename`. Refused
 * while the connection's server runs on that directory: it would overwrite the file from memory.
 */
export async function restoreRedis(
  connection: RedisConnection,
  input: Readable,
  target: RedisRestoreTarget,
  context: RestoreContext,
): Promise<RestoreOutcome> {
  const path = resolve(target.path ?? join(requireDataDir(connection), "dump.rdb"));
  const dir = dirname(path);
  if (await serverRunsOn(connection, dir)) {
    throw new BackupError(
      "E_BACKUP_TARGET_RUNNING",
      `redis-server on ${connection.host}:${connection.port} is running with ${dir}; it would overwrite the restored file`,
      "stop the service first, restore, then start it again",
    );
  }
  const aof = ["appendonlydir", "appendonly.aof"].map((name) => join(dir, name)).find((p) => existsSync(p));
  if (aof && !target.force) {
    throw new BackupError(
      "E_BACKUP_TARGET_NOT_EMPTY",
      `${aof} exists: a Redis with appendonly on loads it instead of ${basename(path)}`,
      "move the append-only file away (or pass force when appendonly is off)",
    );
  }
  const temp = join(dir, `.${basename(path)}.${context.id}.tmp`);
  try {
    await pipeline(input, createWriteStream(temp, { mode: 0o600 }));
    if (connection.runAs) await chown(temp, connection.runAs.uid, connection.runAs.gid);
    await checkRdb(temp);
    const handle = await open(temp, "r");
    await handle.sync().finally(() => handle.close());
    const notes = [`start redis-server with --dir ${dir} --dbfilename ${basename(path)} to load it`];
    if (existsSync(path)) {
      const previous = `${path}.pre-${context.id}`;
      await rm(previous, { force: true });
      await link(path, previous);
      notes.push(`the previous file was kept as ${previous}`);
    }
    await rename(temp, path);
    return { restoredTo: path, notes };
  } finally {
    await rm(temp, { force: true });
  }
}

function requireDataDir(connection: RedisConnection): string {
  if (connection.dataDir === undefined) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      "restoring Redis needs the data directory (dataDir) or a target path",
    );
  }
  return connection.dataDir;
}

/** True when the connection's server answers and its `dir` is `dir` (or it answers but hides its config). */
async function serverRunsOn(connection: RedisConnection, dir: string): Promise<boolean> {
  const args = [...redisCliArgs(connection), "--raw"];
  const env = redisEnv(connection);
  const pong = await runTool(redisTool("redis-cli"), [...args, "PING"], { env }).catch(() => "");
  if (pong.trim() !== "PONG") return false;
  const config = await runTool(redisTool("redis-cli"), [...args, "CONFIG", "GET", "dir"], { env }).catch(
    () => "",
  );
  const [key, value] = config.trim().split("\n");
  return key !== "dir" || resolve(value ?? "") === dir;
}

import type { Readable } from "node:stream";
import type {
  BackupEngine,
  Connection,
  EngineDump,
  RestoreContext,
  RestoreOutcome,
  VerifyContext,
  VerifyOutcome,
} from "../../engine.js";
import { programVersion, runTool } from "../tool-process.js";
import { type RedisConnection, redisCliArgs, redisConnection, redisEnv, redisTool } from "./connection.js";
import { dumpRedis } from "./dump.js";
import { type RedisRestoreTarget, restoreRedis } from "./restore.js";
import { verifyRedis } from "./verify.js";

/** Tuning of the Redis engine. */
export interface RedisEngineOptions {
  /** Where the snapshot is staged while it streams to the store. Default the system's temporary directory. */
  readonly tmpDir?: string;
}

/**
 * Backs up a Redis server as an RDB snapshot taken with `redis-cli --rdb` (its ACL user needs the
 * replication commands). A restore produces the RDB file for a stopped server; the caller restarts it.
 */
export class RedisBackupEngine implements BackupEngine<RedisRestoreTarget> {
  readonly kind = "redis";
  readonly description: string;
  private readonly connection: RedisConnection;

  constructor(
    connection: Connection,
    private readonly options: RedisEngineOptions = {},
  ) {
    this.connection = redisConnection(connection);
    this.description = `redis ${this.connection.host}:${this.connection.port}`;
  }

  async toolVersions(): Promise<Readonly<Record<string, string>>> {
    const [cli, info] = await Promise.all([
      programVersion(redisTool("redis-cli")),
      runTool(redisTool("redis-cli"), [...redisCliArgs(this.connection), "INFO", "server"], {
        env: redisEnv(this.connection),
      }),
    ]);
    return { "redis-cli": cli, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown" };
  }

  dump(): Promise<EngineDump> {
    return dumpRedis(this.connection, this.options.tmpDir);
  }

  restore(input: Readable, target: RedisRestoreTarget, context: RestoreContext): Promise<RestoreOutcome> {
    return restoreRedis(this.connection, input, target, context);
  }

  verify(input: Readable, context: VerifyContext): Promise<VerifyOutcome> {
    return verifyRedis(this.connection, input, context);
  }
}

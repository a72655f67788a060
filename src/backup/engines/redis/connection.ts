import { findBinary } from "../../../host/binaries.js";
import type { UnixIdentity } from "../../../host/users.js";
import type { Connection } from "../../engine.js";
import { BackupError } from "../../errors.js";
import { resolveRunAs } from "../run-as.js";

const HINT = "install Redis (apt-get install redis-server; it brings redis-cli and redis-check-rdb)";

/** A Redis connection with every default filled in. */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly dataDir: string | undefined;
  readonly runAs: UnixIdentity | undefined;
}

export function redisConnection(connection: Connection): RedisConnection {
  const port = connection.port ?? 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BackupError("E_BACKUP_CONFIG", `redis port ${port} is not a TCP port`);
  }
  return {
    host: connection.host ?? "127.0.0.1",
    port,
    user: connection.user,
    password: connection.password,
    dataDir: connection.dataDir,
    runAs: resolveRunAs(connection.runAs),
  };
}

/** `redis-cli` arguments that reach the server; the password goes in `REDISCLI_AUTH`, not argv. */
export function redisCliArgs(connection: Pick<RedisConnection, "host" | "port" | "user">): string[] {
  return [
    "-h",
    connection.host,
    "-p",
    String(connection.port),
    ...(connection.user ? ["--user", connection.user] : []),
  ];
}

export function redisEnv(connection: Pick<RedisConnection, "password">): Record<string, string> {
  return connection.password === undefined ? {} : { REDISCLI_AUTH: connection.password };
}

export function redisTool(name: "redis-cli" | "redis-server" | "redis-check-rdb"): string {
  return findBinary(name, HINT);
}

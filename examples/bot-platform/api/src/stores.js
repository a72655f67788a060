// Connections to PostgreSQL (players) and Redis (moves, game state, pub/sub).
import { Redis } from "ioredis";
import pg from "pg";
import { log } from "./log.js";

export function createDatabase(url) {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", (error) => log("warn", "idle PostgreSQL connection lost", { error: error.message }));
  return pool;
}

/**
 * A Redis connection that reconnects forever. Commands fail fast while it is down (no offline queue),
 * so /ready answers at once instead of hanging. The subscriber connection keeps its queue instead:
 * its SUBSCRIBE is sent as soon as Redis is back.
 */
export function createRedis(url, { name, subscriber = false } = {}) {
  const redis = new Redis(url, {
    connectionName: name,
    connectTimeout: 2000,
    maxRetriesPerRequest: subscriber ? null : 1,
    enableOfflineQueue: subscriber,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on("ready", () => {
    if (down) log("info", "Redis connection is back", { connection: name });
    down = false;
  });
  redis.on("error", (error) => {
    redis.lastError = error.message;
    if (!down) log("warn", "Redis connection lost", { connection: name, error: error.message });
    down = true;
  });
  return redis;
}

/** Resolves with the promise, or rejects when it takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

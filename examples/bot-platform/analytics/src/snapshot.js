// Analytics job, run every 5 minutes by the scheduler (slipway's x-slipway.schedule). Counts the
// players (PostgreSQL) and the moves and games (counters the API keeps in Redis), writes one row to
// analytics_snapshots and exits 0; exits 1 with the reason when it cannot.
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";

// DB_PASSWORD_FILE (the `db_password` Compose secret's file) puts the password into DATABASE_URL.
if (process.env.DB_PASSWORD_FILE && process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.password = readFileSync(process.env.DB_PASSWORD_FILE, "utf8").replace(/\n+$/, "");
  process.env.DATABASE_URL = url.toString();
}
const { DATABASE_URL, REDIS_URL } = process.env;

function log(level, message, fields = {}) {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    service: "analytics",
    message,
    ...fields,
  });
  if (level === "error") console.error(line);
  else console.log(line);
}

async function snapshot() {
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set");
  if (!REDIS_URL) throw new Error("REDIS_URL is not set");
  const db = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  // A job does not wait for Redis to come back: one try, and the next run tries again.
  const redis = new Redis(REDIS_URL, {
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  let redisError;
  redis.on("error", (error) => {
    redisError = error; // reported below, with the command that fails
  });
  try {
    // Both attempts settle before anything is closed (closing a connection still opening lingers).
    const [postgres, cache] = await Promise.allSettled([db.connect(), redis.connect()]);
    if (postgres.status === "rejected") throw new Error(`PostgreSQL: ${postgres.reason.message}`);
    if (cache.status === "rejected") throw new Error(`Redis: ${redisError?.message ?? cache.reason.message}`);
    const [moves, games] = await Promise.all([redis.get("stats:moves"), redis.scard("games")]);
    const { rows } = await db.query(
      `INSERT INTO analytics_snapshots (player_count, move_count, game_count)
       SELECT count(*), $1, $2 FROM players
       RETURNING id, taken_at, player_count, move_count, game_count`,
      [Number(moves ?? 0), games],
    );
    const row = rows[0];
    return {
      id: Number(row.id),
      takenAt: row.taken_at,
      players: row.player_count,
      moves: Number(row.move_count),
      games: row.game_count,
    };
  } finally {
    redis.disconnect();
    await db.end().catch(() => {});
  }
}

try {
  log("info", "snapshot written", await snapshot());
} catch (error) {
  log("error", "snapshot failed", { error: error.message });
  process.exitCode = 1;
}

// The REST endpoints. Players live in PostgreSQL; moves are appended to a Redis list per game and
// announced on the Redis channel `moves`, where the runtime worker picks them up and applies them.
import { createRouter, HttpError, readJson, sendJson } from "./http.js";
import { withTimeout } from "./stores.js";

const GAME_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BOARD_CELLS = 9;

/** Redis keys of one game (the runtime worker uses the same names). */
export const gameKeys = (id) => ({ state: `game:${id}`, moves: `game:${id}:moves` });

function playerJson(row) {
  return {
    id: Number(row.id),
    name: row.name,
    telegramId: row.telegram_id === null ? null : Number(row.telegram_id),
    createdAt: row.created_at,
  };
}

/** The game state hash written by the runtime worker, as JSON (a new game when there is none). */
export function gameJson(id, hash) {
  const board = hash.board ?? ".".repeat(BOARD_CELLS);
  return {
    gameId: id,
    board: [...board].map((cell) => (cell === "." ? null : cell)),
    players: { x: hash.x || null, o: hash.o || null },
    turn: hash.turn ?? "x",
    status: hash.status ?? "waiting",
    winner: hash.winner || null,
    lastSeq: Number(hash.last_seq ?? 0),
    updatedAt: hash.updated_at ?? null,
  };
}

function playerName(value, field) {
  if (typeof value !== "string" || value.trim().length === 0 || value.trim().length > 64) {
    throw new HttpError(400, `${field} must be a string of 1 to 64 characters`);
  }
  return value.trim();
}

function gameId(params) {
  if (!GAME_ID.test(params.id)) throw new HttpError(400, "a game id is 1 to 64 letters, digits, _ or -");
  return params.id;
}

async function check(name, probe) {
  try {
    await withTimeout(probe(), 1000, name);
    return "ok";
  } catch (error) {
    return `down: ${error.message}`;
  }
}

export function createRoutes({ db, redis, version, isShuttingDown }) {
  return createRouter()
    .route("GET", "/health", (_req, res) => sendJson(res, 200, { status: "ok" }))

    .route("GET", "/ready", async (_req, res) => {
      if (isShuttingDown()) return sendJson(res, 503, { status: "shutting down" });
      const [postgres, redisStatus] = await Promise.all([
        check("PostgreSQL", () => db.query("SELECT 1")),
        check("Redis", () =>
          redis.status === "ready"
            ? redis.ping()
            : Promise.reject(new Error(`not connected (${redis.lastError ?? redis.status})`)),
        ),
      ]);
      const down = [postgres !== "ok" && "postgres", redisStatus !== "ok" && "redis"].filter(Boolean);
      sendJson(res, down.length === 0 ? 200 : 503, {
        status: down.length === 0 ? "ready" : "not ready",
        postgres,
        redis: redisStatus,
        ...(down.length > 0 && { down }),
      });
    })

    .route("GET", "/api/version", (_req, res) => sendJson(res, 200, { version }))

    .route("GET", "/api/players", async (_req, res, _params, url) => {
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit")) || 100, 1), 500);
      const { rows } = await db.query(
        "SELECT id, name, telegram_id, created_at FROM players ORDER BY id DESC LIMIT $1",
        [limit],
      );
      sendJson(res, 200, rows.map(playerJson));
    })

    .route("POST", "/api/players", async (req, res) => {
      const body = await readJson(req);
      const name = playerName(body.name, "name");
      const telegramId = body.telegramId ?? null;
      if (telegramId !== null && !/^\d{1,15}$/.test(String(telegramId))) {
        throw new HttpError(400, "telegramId must be a positive integer");
      }
      // A Telegram user who registers again keeps their player and gets the new name.
      const { rows } = await db.query(
        `INSERT INTO players (name, telegram_id) VALUES ($1, $2)
         ON CONFLICT (telegram_id) DO UPDATE SET name = EXCLUDED.name
         RETURNING id, name, telegram_id, created_at, (xmax = 0) AS created`,
        [name, telegramId],
      );
      sendJson(res, rows[0].created ? 201 : 200, playerJson(rows[0]));
    })

    .route("GET", "/api/stats", async (_req, res) => {
      const [{ rows }, moves, games] = await Promise.all([
        db.query("SELECT count(*)::int AS players FROM players"),
        redis.get("stats:moves"),
        redis.scard("games"),
      ]);
      sendJson(res, 200, { players: rows[0].players, moves: Number(moves ?? 0), games });
    })

    .route("GET", "/api/games/:id", async (_req, res, params) => {
      const id = gameId(params);
      sendJson(res, 200, gameJson(id, await redis.hgetall(gameKeys(id).state)));
    })

    .route("POST", "/api/games/:id/moves", async (req, res, params) => {
      const id = gameId(params);
      const body = await readJson(req);
      const player = playerName(body.player, "player");
      const cell = body.cell;
      if (!Number.isInteger(cell) || cell < 0 || cell >= BOARD_CELLS) {
        throw new HttpError(400, `cell must be an integer from 0 to ${BOARD_CELLS - 1}`);
      }
      const keys = gameKeys(id);
      const status = await redis.hget(keys.state, "status");
      if (status === "won" || status === "draw") throw new HttpError(409, `game ${id} is over`);

      const move = { gameId: id, player, cell, at: new Date().toISOString() };
      // One transaction: the list length after RPUSH is the move's sequence number, so numbers
      // have no gaps and follow the list order even with several API instances.
      const results = await redis
        .multi()
        .rpush(keys.moves, JSON.stringify(move))
        .sadd("games", id)
        .incr("stats:moves")
        .publish("moves", JSON.stringify(move))
        .exec();
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      sendJson(res, 202, { ...move, seq: results[0][1] });
    });
}

// Game-state worker. Subscribes to the Redis channel `moves` (the API publishes one message per move),
// applies the new moves of that game to its state hash `game:<id>` and publishes each resulting state
// on `game-state`, which the API forwards to WebSocket clients. A tiny HTTP server answers /health.
//
// Moves are read from the list `game:<id>:moves` (the message is only a wake-up call), starting after
// the hash's last_seq, inside WATCH/MULTI. So a move is applied exactly once even when two workers run
// at once (rolling update), and moves sent while no worker ran are applied at startup.
import http from "node:http";
import { Redis } from "ioredis";
import { applyMove, fromHash, toJson } from "./game.js";

const PORT = Number(process.env.PORT ?? 3002);
const HOST = process.env.HOST ?? "0.0.0.0";
const REDIS_URL = process.env.REDIS_URL;

function log(level, message, fields = {}) {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    service: "runtime",
    message,
    ...fields,
  });
  if (level === "error") console.error(line);
  else console.log(line);
}

if (!REDIS_URL) {
  log("error", "REDIS_URL is not set");
  process.exit(1);
}

const options = { connectTimeout: 2000, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) };
const redis = new Redis(REDIS_URL, { ...options, connectionName: "runtime", maxRetriesPerRequest: null });
const subscriber = new Redis(REDIS_URL, { ...options, connectionName: "runtime-subscriber" });
for (const [name, connection] of [
  ["runtime", redis],
  ["runtime-subscriber", subscriber],
]) {
  let down = false;
  connection.on("error", (error) => {
    if (!down) log("warn", "Redis connection lost", { connection: name, error: error.message });
    down = true;
  });
  connection.on("ready", () => {
    if (down) log("info", "Redis connection is back", { connection: name });
    down = false;
  });
}

/** Applies the pending moves of one game; retries when another worker changed the game meanwhile. */
async function processGame(gameId) {
  const stateKey = `game:${gameId}`;
  for (let attempt = 1; attempt <= 20; attempt++) {
    await redis.watch(stateKey);
    const state = fromHash(await redis.hgetall(stateKey));
    const raw = await redis.lrange(`game:${gameId}:moves`, state.last_seq, -1);
    if (raw.length === 0) {
      await redis.unwatch();
      return;
    }
    const events = [];
    let current = state;
    for (const [index, text] of raw.entries()) {
      const seq = state.last_seq + index + 1;
      let move;
      try {
        move = JSON.parse(text);
      } catch {
        move = { player: "", cell: -1 };
      }
      const result = applyMove(current, move, seq);
      current = { ...result.state, updated_at: new Date().toISOString() };
      events.push({
        type: "game-state",
        gameId,
        seq,
        move: { player: move.player, cell: move.cell },
        ...(result.rejected && { rejected: result.rejected }),
        state: toJson(gameId, current),
      });
    }
    const committed = await redis.multi().hset(stateKey, current).exec();
    if (committed === null) continue; // another worker applied them first: look again
    for (const event of events) {
      await redis.publish("game-state", JSON.stringify(event));
      log("info", event.rejected ? "move rejected" : "move applied", {
        gameId,
        seq: event.seq,
        ...(event.rejected && { reason: event.rejected }),
      });
    }
    return;
  }
  log("warn", "gave up on a busy game; its next move retries", { gameId });
}

// One game at a time: WATCH belongs to the connection, so transactions must not interleave.
const pending = new Set();
let running = null;
function schedule(gameId) {
  pending.add(gameId);
  running ??= (async () => {
    while (pending.size > 0) {
      const [next] = pending;
      pending.delete(next);
      try {
        await processGame(next);
      } catch (error) {
        log("error", "cannot apply moves", { gameId: next, error: error.message });
      }
    }
    running = null;
  })();
}

subscriber.on("message", (_channel, message) => {
  try {
    const { gameId } = JSON.parse(message);
    if (typeof gameId === "string") schedule(gameId);
  } catch {
    log("warn", "ignoring a moves message that is not JSON");
  }
});

let subscribed = false;
// On every (re)connect: subscribe, then catch up on moves sent while we were not listening.
subscriber.on("ready", async () => {
  try {
    await subscriber.subscribe("moves");
    subscribed = true;
    log("info", "subscribed to moves");
    for (const gameId of await redis.smembers("games")) schedule(gameId);
  } catch (error) {
    log("error", "cannot subscribe to moves", { error: error.message });
  }
});
subscriber.on("close", () => {
  subscribed = false;
});

const server = http.createServer((req, res) => {
  const healthy = subscribed && redis.status === "ready";
  const status = req.url === "/health" ? (healthy ? 200 : 503) : 404;
  const body =
    req.url === "/health" ? { status: healthy ? "ok" : "waiting for Redis" } : { error: "not found" };
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
});
server.listen(PORT, HOST, () => log("info", "listening", { host: HOST, port: server.address().port }));

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log("info", "shutting down", { signal });
  setTimeout(() => process.exit(1), 10_000).unref();
  subscriber.disconnect(); // no new work
  await running; // finish the game being applied
  redis.disconnect();
  await new Promise((resolve) => server.close(resolve));
  log("info", "stopped");
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

// WebSocket endpoint /ws. Every message the runtime worker publishes on the Redis channel
// `game-state` goes to the connected clients (all of them, or only those that subscribed to its game).
// Clients may send `ping` (or {"type":"ping"}) and get `pong` back, and {"type":"subscribe","gameId"}.
import { WebSocketServer } from "ws";
import { log } from "./log.js";

const HEARTBEAT_MS = 30_000;

export function createWebSockets({ subscriber, version }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });

  wss.on("connection", (ws) => {
    ws.games = new Set();
    ws.alive = true;
    ws.on("pong", () => {
      ws.alive = true;
    });
    ws.on("error", (error) => log("warn", "WebSocket error", { error: error.message }));
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "" : data.toString("utf8").trim();
      if (text === "ping") return ws.send("pong");
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        return ws.send(JSON.stringify({ type: "error", message: 'send "ping" or a JSON object' }));
      }
      if (message?.type === "ping") return ws.send(JSON.stringify({ type: "pong" }));
      if (message?.type === "subscribe" && typeof message.gameId === "string") {
        ws.games.add(message.gameId);
        return ws.send(JSON.stringify({ type: "subscribed", gameId: message.gameId }));
      }
      ws.send(JSON.stringify({ type: "error", message: "unknown message type" }));
    });
    ws.send(JSON.stringify({ type: "hello", version }));
  });

  // Forward game-state messages as they are, to the clients interested in that game.
  subscriber.subscribe("game-state").catch((error) => {
    log("error", "cannot subscribe to game-state", { error: error.message });
  });
  subscriber.on("message", (channel, message) => {
    if (channel !== "game-state") return;
    let gameId;
    try {
      gameId = JSON.parse(message).gameId;
    } catch {
      return log("warn", "ignoring a game-state message that is not JSON");
    }
    for (const ws of wss.clients) {
      if (ws.readyState === ws.OPEN && (ws.games.size === 0 || ws.games.has(gameId))) ws.send(message);
    }
  });

  // Drop clients that vanished without closing (a phone that lost its network).
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!ws.alive) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    wss,
    /** Hands an HTTP upgrade on /ws over to the WebSocket server. */
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    /** Closes every client with 1001 (going away); those that do not answer in time are cut off. */
    async close(graceMs = 1000) {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      const deadline = Date.now() + graceMs;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

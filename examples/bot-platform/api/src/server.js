// Entry point of the API: HTTP on PORT (3000 by default; slipway gives every instance its own),
// WebSocket on /ws, graceful shutdown on SIGTERM/SIGINT.
import { readFileSync } from "node:fs";
import http from "node:http";
import { HttpError, sendJson } from "./http.js";
import { log } from "./log.js";
import { createRoutes } from "./routes.js";
import { createDatabase, createRedis } from "./stores.js";
import { createWebSockets } from "./websocket.js";

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? "0.0.0.0";
const VERSION = process.env.APP_VERSION ?? "1";
const SHUTDOWN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);

// DB_PASSWORD_FILE (the `db_password` Compose secret's file) puts the password into DATABASE_URL.
if (process.env.DB_PASSWORD_FILE && process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.password = readFileSync(process.env.DB_PASSWORD_FILE, "utf8").replace(/\n+$/, "");
  process.env.DATABASE_URL = url.toString();
}

for (const name of ["DATABASE_URL", "REDIS_URL"]) {
  if (!process.env[name]) {
    log("error", `${name} is not set`);
    process.exit(1);
  }
}

const db = createDatabase(process.env.DATABASE_URL);
const redis = createRedis(process.env.REDIS_URL, { name: "api" });
const subscriber = createRedis(process.env.REDIS_URL, { name: "api-subscriber", subscriber: true });
let shuttingDown = false;
const routes = createRoutes({ db, redis, version: VERSION, isShuttingDown: () => shuttingDown });
const sockets = createWebSockets({ subscriber, version: VERSION });

/** Errors that mean PostgreSQL or Redis is unreachable rather than a bug: 503, not 500. */
function isUnavailable(error) {
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "57P01"].includes(error.code) ||
    /timeout|Connection is closed|Stream isn't writeable|Connection terminated/i.test(error.message)
  );
}

const inFlight = new Set();

const server = http.createServer(async (req, res) => {
  res.setHeader("x-app-version", VERSION);
  // Keep-alive clients learn to reconnect (to another instance) once this one is stopping.
  if (shuttingDown) res.setHeader("connection", "close");
  inFlight.add(res);
  res.on("close", () => inFlight.delete(res));
  try {
    await routes.handle(req, res);
  } catch (error) {
    if (res.headersSent) return res.destroy();
    if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
    if (isUnavailable(error)) {
      log("warn", "dependency unavailable", { method: req.method, url: req.url, error: error.message });
      return sendJson(res, 503, { error: "a backing service is unavailable, try again" });
    }
    log("error", "request failed", { method: req.method, url: req.url, error: error.stack });
    sendJson(res, 500, { error: "internal error" });
  }
});

server.on("upgrade", (req, socket, head) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname !== "/ws" || shuttingDown) {
    socket.end(
      `HTTP/1.1 ${shuttingDown ? "503 Service Unavailable" : "404 Not Found"}\r\nConnection: close\r\n\r\n`,
    );
    return;
  }
  sockets.upgrade(req, socket, head);
});

server.listen(PORT, HOST, () =>
  log("info", "listening", { host: HOST, port: server.address().port, version: VERSION }),
);

async function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  log("info", "shutting down", { signal, requests: inFlight.size, websockets: sockets.wss.clients.size });
  setTimeout(() => {
    log("error", `in-flight work did not finish within ${SHUTDOWN_TIMEOUT_MS} ms; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();

  // Stop accepting connections; the callback runs once in-flight requests have finished. Their
  // connections close after the response instead of idling in keep-alive.
  const drained = new Promise((resolve) => server.close(resolve));
  for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
  server.closeIdleConnections();
  await sockets.close();
  await drained;
  subscriber.disconnect();
  redis.disconnect();
  await db.end();
  log("info", "stopped");
  process.exit(0);
}

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

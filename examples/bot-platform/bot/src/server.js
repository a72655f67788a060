// Telegram webhook endpoint. Telegram POSTs each update to /telegram/webhook with the header
// X-Telegram-Bot-Api-Secret-Token set to the secret given to setWebhook; requests without it are
// refused (401), so only Telegram can make the bot talk.
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { handleUpdate } from "./commands.js";
import { createTelegram } from "./telegram.js";

const PORT = Number(process.env.PORT ?? 3001);
const HOST = process.env.HOST ?? "0.0.0.0";
const API_URL = (process.env.API_URL ?? "http://api:3000").replace(/\/+$/, "");
const TELEGRAM_API_URL = process.env.TELEGRAM_API_URL ?? "http://fake-telegram:8081";
const { WEBHOOK_SECRET, WEBHOOK_URL, MINI_APP_URL } = process.env;
// The token is a Compose secret: a file named by BOT_TOKEN_FILE (BOT_TOKEN itself still works).
const BOT_TOKEN = process.env.BOT_TOKEN_FILE
  ? readFileSync(process.env.BOT_TOKEN_FILE, "utf8").trim()
  : process.env.BOT_TOKEN;

function log(level, message, fields = {}) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, service: "bot", message, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

for (const [name, value] of Object.entries({ BOT_TOKEN, WEBHOOK_SECRET })) {
  if (!value) {
    log("error", `${name} is not set`);
    process.exit(1);
  }
}
// Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook secret.
if (!/^[A-Za-z0-9_-]{1,256}$/.test(WEBHOOK_SECRET)) {
  log("error", "WEBHOOK_SECRET may only hold 1-256 letters, digits, _ and -");
  process.exit(1);
}

const telegram = createTelegram({ baseUrl: TELEGRAM_API_URL, token: BOT_TOKEN });
const expectedSecret = Buffer.from(WEBHOOK_SECRET);
// Telegram redelivers an update when an answer is slow or fails; remember the last ones handled.
const recentUpdates = new Set();

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function secretMatches(header) {
  if (typeof header !== "string") return false;
  const given = Buffer.from(header);
  return given.length === expectedSecret.length && timingSafeEqual(given, expectedSecret);
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1024 * 1024) throw Object.assign(new Error("update too large"), { status: 413 });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw Object.assign(new Error("the body is not valid JSON"), { status: 400 });
  }
}

async function webhook(req, res) {
  if (!secretMatches(req.headers["x-telegram-bot-api-secret-token"])) {
    log("warn", "webhook call without the right secret token", { from: req.socket.remoteAddress });
    return send(res, 401, { ok: false, error: "missing or wrong X-Telegram-Bot-Api-Secret-Token" });
  }
  const update = await readJson(req);
  if (recentUpdates.has(update.update_id)) return send(res, 200, { ok: true, duplicate: true });
  try {
    const handled = await handleUpdate(update, { apiUrl: API_URL, telegram, miniAppUrl: MINI_APP_URL, log });
    if (handled) log("info", "answered", { chatId: handled.chatId, command: handled.command });
  } catch (error) {
    log("error", "cannot answer", { updateId: update.update_id, error: error.message });
    return send(res, 502, { ok: false, error: "the reply could not be sent; Telegram will retry" });
  }
  recentUpdates.add(update.update_id);
  if (recentUpdates.size > 1000) recentUpdates.delete(recentUpdates.values().next().value);
  send(res, 200, { ok: true });
}

const server = http.createServer(async (req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  try {
    if (pathname === "/health") return send(res, 200, { status: "ok" });
    if (pathname === "/telegram/webhook") {
      if (req.method !== "POST") return send(res, 405, { ok: false, error: "POST only" });
      return await webhook(req, res);
    }
    send(res, 404, { ok: false, error: "not found" });
  } catch (error) {
    if (error.status) return send(res, error.status, { ok: false, error: error.message });
    log("error", "request failed", { error: error.stack });
    send(res, 500, { ok: false, error: "internal error" });
  }
});

server.listen(PORT, HOST, () => {
  log("info", "listening", {
    host: HOST,
    port: server.address().port,
    telegram: TELEGRAM_API_URL,
    api: API_URL,
  });
  // With a public URL, tell Telegram where to deliver updates (and which secret to send).
  if (WEBHOOK_URL) {
    telegram
      .call("setWebhook", { url: WEBHOOK_URL, secret_token: WEBHOOK_SECRET, allowed_updates: ["message"] })
      .then(() => log("info", "webhook registered", { url: WEBHOOK_URL }))
      .catch((error) => log("error", "cannot register the webhook", { error: error.message }));
  }
});

function shutdown(signal) {
  log("info", "shutting down", { signal });
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => {
    log("info", "stopped");
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));

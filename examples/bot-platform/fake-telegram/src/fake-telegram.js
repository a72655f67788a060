// FAKE Telegram Bot API. This is NOT Telegram: it is a stand-in so the demo and the tests work
// offline. It answers POST /bot<token>/<method> the way api.telegram.org does for the few methods the
// bot uses, and keeps every sendMessage call in memory (the newest 1000) so you can see what the bot
// "sent":
//   GET    /sent    → { ok: true, result: [ { bot, chat_id, text, ... } ] }
//   DELETE /sent    → forget them
//   GET    /health  → 200
// It is also the demo's local webhook for slipway's alerts (nothing to do with Telegram):
//   POST   /alerts  → keeps the JSON notice (the newest 1000)
//   GET    /alerts  → { ok: true, result: [ notice, ... ] }
// Point the bot at the real API with TELEGRAM_API_URL=https://api.telegram.org.
import http from "node:http";

const PORT = Number(process.env.PORT ?? 8081);
const HOST = process.env.HOST ?? "0.0.0.0";
const KEEP = 1000;
const TOKEN = /^(\d+):[A-Za-z0-9_-]+$/;

const sent = [];
const alerts = [];
let webhook = { url: "" };
let nextMessageId = 1;

function log(message, fields = {}) {
  console.log(
    JSON.stringify({ time: new Date().toISOString(), service: "fake-telegram", message, ...fields }),
  );
}

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Telegram's error shape: { ok: false, error_code, description }. */
const fail = (res, status, description) => send(res, status, { ok: false, error_code: status, description });

async function readParams(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return JSON.parse(text);
}

const methods = {
  getMe: (bot) => ({ id: Number(bot), is_bot: true, first_name: "Fake Bot", username: "fake_bot" }),
  setWebhook: (_bot, params) => {
    webhook = { url: params.url ?? "", has_custom_certificate: false, pending_update_count: 0 };
    return true;
  },
  deleteWebhook: () => {
    webhook = { url: "" };
    return true;
  },
  getWebhookInfo: () => webhook,
  sendMessage: (bot, params) => {
    if (params.chat_id === undefined || params.chat_id === "") {
      throw Object.assign(new Error("Bad Request: chat_id is empty"), { status: 400 });
    }
    if (typeof params.text !== "string" || params.text.trim() === "") {
      throw Object.assign(new Error("Bad Request: message text is empty"), { status: 400 });
    }
    const message = {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(params.chat_id) || params.chat_id, type: "private" },
      from: { id: Number(bot), is_bot: true, first_name: "Fake Bot" },
      text: params.text,
    };
    // The token's secret half is never stored or shown; `bot` is the bot id before the colon.
    sent.push({ bot: Number(bot), ...params, message_id: message.message_id, at: new Date().toISOString() });
    if (sent.length > KEEP) sent.shift();
    log("sendMessage", { chat_id: params.chat_id });
    return message;
  },
};

const server = http.createServer(async (req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/health") return send(res, 200, { status: "ok", fake: true });
  if (pathname === "/alerts") {
    if (req.method !== "POST") return send(res, 200, { ok: true, result: alerts });
    try {
      alerts.push({ ...(await readParams(req)), received_at: new Date().toISOString() });
      if (alerts.length > KEEP) alerts.shift();
      log("alert received", { count: alerts.length });
      return send(res, 200, { ok: true });
    } catch {
      return fail(res, 400, "Bad Request: can't parse JSON");
    }
  }
  if (pathname === "/sent") {
    if (req.method === "DELETE") {
      sent.length = 0;
      return send(res, 200, { ok: true });
    }
    return send(res, 200, { ok: true, result: sent });
  }
  const match = /^\/bot([^/]+)\/(\w+)$/.exec(pathname);
  if (!match) return fail(res, 404, "Not Found");
  const token = TOKEN.exec(decodeURIComponent(match[1]));
  if (!token) return fail(res, 401, "Unauthorized");
  const method = methods[match[2]];
  if (!method) return fail(res, 404, "Not Found: method not found");
  try {
    const params = await readParams(req);
    send(res, 200, { ok: true, result: method(token[1], params) });
  } catch (error) {
    if (error instanceof SyntaxError) return fail(res, 400, "Bad Request: can't parse JSON");
    fail(res, error.status ?? 500, error.message);
  }
});

server.listen(PORT, HOST, () =>
  log("listening (FAKE Telegram Bot API)", { host: HOST, port: server.address().port }),
);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 3000).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);

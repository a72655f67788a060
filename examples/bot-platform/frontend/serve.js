// Static server for dist/, for running without slipway (docker compose): slipway's router serves
// dist/ itself (x-slipway.routes static). Sends the precompressed .gz files when the browser accepts
// gzip, caches hashed assets forever, and forwards the paths in PROXY_ROUTES (HTTP and WebSocket),
// e.g. "/api=http://api:3000,/ws=http://api:3000", so the page can call /api and /ws on its own origin.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { extname, join, normalize, sep } from "node:path";

const PORT = Number(process.env.PORT ?? 8000);
const HOST = process.env.HOST ?? "0.0.0.0";
const DIST = join(import.meta.dirname, "dist");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};
const HASHED = /\.[0-9a-f]{10}\.\w+$/;

const proxies = (process.env.PROXY_ROUTES ?? "")
  .split(",")
  .map((entry) => entry.trim())
  .filter(Boolean)
  .map((entry) => {
    const [prefix, target] = entry.split("=");
    return { prefix, target: new URL(target) };
  });

function proxyFor(pathname) {
  return proxies.find(({ prefix }) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

function forwardedHeaders(req, target) {
  return {
    ...req.headers,
    host: target.host,
    "x-forwarded-for": req.socket.remoteAddress,
    "x-forwarded-host": req.headers.host ?? "",
    "x-forwarded-proto": "http",
  };
}

function proxy(req, res, target) {
  const upstream = http.request(
    new URL(req.url, target),
    { method: req.method, headers: forwardedHeaders(req, target) },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { "content-type": "text/plain" }).end(`upstream ${target.host}: ${error.code}\n`);
  });
  req.pipe(upstream);
}

async function file(path) {
  try {
    const info = await stat(path);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

async function serveStatic(req, res, pathname) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return res.writeHead(405, { allow: "GET, HEAD" }).end();
  }
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return res.writeHead(400).end();
  }
  let path = normalize(join(DIST, decoded));
  if (path !== DIST && !path.startsWith(DIST + sep)) return res.writeHead(400).end();
  // Directories and unknown paths without an extension get the app (client-side routes).
  if (!(await file(path))) {
    if (extname(path)) return res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    path = join(DIST, "index.html");
  }
  const headers = {
    "content-type": TYPES[extname(path)] ?? "application/octet-stream",
    "cache-control": HASHED.test(path) ? "public, max-age=31536000, immutable" : "no-cache",
    vary: "Accept-Encoding",
  };
  let body = path;
  const gz = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "") && (await file(`${path}.gz`));
  if (gz) {
    body = `${path}.gz`;
    headers["content-encoding"] = "gzip";
  }
  const info = await file(body);
  headers["content-length"] = info.size;
  res.writeHead(200, headers);
  if (req.method === "HEAD") return res.end();
  createReadStream(body).pipe(res);
}

const server = http.createServer(async (req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  try {
    if (pathname === "/health") {
      const built = await file(join(DIST, "index.html"));
      return res
        .writeHead(built ? 200 : 503, { "content-type": "text/plain" })
        .end(built ? "ok\n" : "no dist/\n");
    }
    const route = proxyFor(pathname);
    if (route) return proxy(req, res, route.target);
    await serveStatic(req, res, pathname);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end();
  }
});

// WebSocket (and any other upgrade) on a proxied path: splice the two sockets together.
server.on("upgrade", (req, socket, head) => {
  const route = proxyFor(new URL(req.url ?? "/", "http://localhost").pathname);
  if (!route) return socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  const { target } = route;
  const upstream = net.connect(Number(target.port || 80), target.hostname, () => {
    const headers = Object.entries(forwardedHeaders(req, target))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
  });
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
});

server.listen(PORT, HOST, () => console.log(`serving ${DIST} on http://${HOST}:${server.address().port}`));

function shutdown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);

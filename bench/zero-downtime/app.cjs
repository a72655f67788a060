// The app bench/zero-downtime deploys: HTTP (GET / answers its version; /health for the
// healthcheck) and a WebSocket echo on /ws. CommonJS so `ws` resolves through NODE_PATH.
// FAIL_RATE (0..1): share of GET / answered 500 (a bad version that still passes its healthcheck).
// On SIGTERM it behaves as a well-mannered app: stops accepting, closes its WebSockets with 1001
// Going Away, lets in-flight requests finish and exits.
const { createServer } = require("node:http");
const { WebSocketServer } = require("ws");

const version = process.env.APP_VERSION ?? "unversioned";
const failRate = Number(process.env.FAIL_RATE ?? 0);
const server = createServer((request, response) => {
  if (request.url === "/health") return void response.end("ok\n");
  const fail = Math.random() < failRate;
  response.writeHead(fail ? 500 : 200, { "content-type": "application/json" });
  response.end(JSON.stringify({ version, pid: process.pid, fail }));
});
const sockets = new WebSocketServer({ server, path: "/ws" });
sockets.on("connection", (socket) => {
  socket.send(JSON.stringify({ version }));
  socket.on("message", (data) => socket.send(data));
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  for (const socket of sockets.clients) socket.close(1001, "Going Away");
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
});

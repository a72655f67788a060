// An app with HTTP and a WebSocket echo, for the router's end-to-end tests and bench/zero-downtime.
// CommonJS so `ws` resolves through NODE_PATH (the repository's node_modules). Chosen by env:
//   PORT, HOST      where to listen (slipway sets both)
//   APP_VERSION     reported by GET / and in the first WebSocket message
//   EXIT_AT_START   print this to stderr and exit 1 at once (a release that never comes up)
//   FAIL_RATE       0..1: share of GET / answered 500 (a bad version that still passes its healthcheck)
//   TERM_WEBSOCKETS on SIGTERM: "1001" (default) closes WebSockets with 1001 Going Away, as a
//                   well-mannered app does; "cut" destroys them (so a 1001 must come from the router)
// GET /health answers 200 always. Every WebSocket message is echoed as "<version>:<message>".
const { createServer } = require("node:http");
const { WebSocketServer } = require("ws");

if (process.env.EXIT_AT_START) {
  console.error(process.env.EXIT_AT_START);
  process.exit(1);
}
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
  socket.send(`${version}:hello`);
  socket.on("message", (data) => socket.send(`${version}:${data}`));
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  for (const socket of sockets.clients) {
    if (process.env.TERM_WEBSOCKETS === "cut") socket.terminate();
    else socket.close(1001, "Going Away");
  }
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
});

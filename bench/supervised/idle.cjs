// bench/supervised's process: a small Node server that stays up until it is stopped (the same file
// under slipway and PM2). It listens nowhere: 200 copies would need 200 ports for nothing.
const { createServer } = require("node:http");
createServer((_request, response) => response.end("ok\n"));
setInterval(() => {}, 60_000);
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

// A tiny, dependency-free service for the end-to-end tests. Everything it does is chosen by env:
//   PORT, HOST          where to listen (slipway sets both)
//   PORT_<n>            also listen there for the service's other declared port n (answers carry `port: n`)
//   APP_VERSION         reported in every answer
//   UPSTREAM            an http:// URL whose answer is included in this one (service-to-service calls)
//   READY_DELAY_MS      wait this long before listening (a slow start)
//   READY_FILE          do not listen before this file exists (a start the test decides when it ends)
//   EXIT_AT_START       print this to stderr and exit 1 at once (a release that never comes up);
//                       with EXIT_AT_START_INDEX, only the instance of that SLIPWAY_INSTANCE_INDEX does;
//                       with EXIT_AT_START_UNLESS, only while that file does not exist (a failure that gets fixed)
//   CRASH_AFTER_MS      exit 1 after this long (a crashing service)
//   DATA_DIR            count boots in DATA_DIR/boots (data that must survive `down`)
//   TICK_FILE           append one line, wait TICK_HOLD_MS, exit (a scheduled job; no server)
// SIGTERM closes the listener, lets in-flight requests finish and exits 0.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, get } from "node:http";
import { join } from "node:path";

const env = process.env;
const version = env.APP_VERSION ?? "unversioned";
const service = env.SLIPWAY_SERVICE ?? "app";
const build = existsSync("BUILD_ID") ? readFileSync("BUILD_ID", "utf8").trim() : "none";

/** GET on a fresh connection (no keep-alive), so a redeployed upstream is never reached through a stale socket. */
const fetchJson = (url) =>
  new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: 5000 }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () =>
        response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text)),
      );
    });
    request.on("timeout", () => request.destroy(new Error("upstream timed out")));
    request.on("error", reject);
  });

/** Counts this boot in DATA_DIR/boots (0 without DATA_DIR). */
function countBoot() {
  if (!env.DATA_DIR) return 0;
  mkdirSync(env.DATA_DIR, { recursive: true });
  const file = join(env.DATA_DIR, "boots");
  const boots = (existsSync(file) ? Number(readFileSync(file, "utf8")) : 0) + 1;
  writeFileSync(file, String(boots));
  return boots;
}

function serve() {
  const boots = countBoot();
  const handler = (port) => async (_request, response) => {
    const answer = { service, version, build, pid: process.pid, boots, ...(port ? { port } : {}) };
    try {
      if (env.UPSTREAM) answer.upstream = await fetchJson(env.UPSTREAM);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer));
    } catch (error) {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`upstream ${env.UPSTREAM} failed: ${error.message}`);
    }
  };
  const server = createServer(handler());
  const extra = Object.keys(env).flatMap((name) => {
    const port = /^PORT_(\d+)$/.exec(name)?.[1];
    return port ? [[Number(env[name]), createServer(handler(Number(port)))]] : [];
  });
  const listen = () => {
    for (const [at, second] of extra) second.listen(at, env.HOST ?? "127.0.0.1");
    server.listen(Number(env.PORT), env.HOST ?? "127.0.0.1", () => {
      console.log(`${service} ${version} listening on ${env.PORT}`);
    });
  };
  // Not ready until READY_FILE exists (if set), and READY_DELAY_MS passed.
  const whenReady = () =>
    !env.READY_FILE || existsSync(env.READY_FILE) ? listen() : setTimeout(whenReady, 50);
  setTimeout(whenReady, Number(env.READY_DELAY_MS ?? 0));
  if (env.CRASH_AFTER_MS) {
    setTimeout(() => {
      console.error(`${service} ${version} crashing`);
      process.exit(1);
    }, Number(env.CRASH_AFTER_MS));
  }
  process.on("SIGTERM", () => {
    console.log(`${service} ${version} got SIGTERM, draining`);
    for (const [, second] of extra) second.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}

if (env.TICK_FILE) {
  appendFileSync(env.TICK_FILE, `${Date.now()} ${version}\n`);
  setTimeout(() => process.exit(0), Number(env.TICK_HOLD_MS ?? 0));
} else if (
  env.EXIT_AT_START &&
  (env.EXIT_AT_START_INDEX === undefined || env.EXIT_AT_START_INDEX === env.SLIPWAY_INSTANCE_INDEX) &&
  !(env.EXIT_AT_START_UNLESS && existsSync(env.EXIT_AT_START_UNLESS))
) {
  console.error(`fatal: ${env.EXIT_AT_START}`);
  process.exit(1);
} else {
  serve();
}

/**
 * bench/zero-downtime: does a deploy cost a request or a WebSocket? For each strategy (rolling,
 * blue-green, canary) × router driver (builtin, nginx), a 2-replica app with HTTP and a WebSocket
 * echo (test/e2e/apps/live) is deployed through bin/slipway, then 10 deploys (each a new APP_VERSION) run one after
 * another under load through the router's HTTP port: keep-alive clients, new-connection clients and
 * WebSocket clients that ping and reconnect after a 1001. A keep-alive GET that meets a connection
 * the router is closing (nginx's old workers close idle ones at a reload) is sent once more, as
 * browsers do (RFC 9112 §9.3.1), and counted as "resent", not failed. Prints requests sent, failures (connection
 * errors and 5xx, with examples), WebSockets dropped (any end but 1001 Going Away), and p99 latency
 * during the deploys vs a steady window before them. Target: 0 failed, 0 dropped everywhere.
 * Canary steps are analysed on the router's own per-version figures with either driver (nginx's
 * from its access log): each row counts the verdicts, and a step that was not a pass is a miss (it
 * pauses, and the bench answers with `slipway promote` so the run goes on).
 * With `docker`, the rows run on the docker target instead (builtin router unless a driver is named):
 * the same app in an image built FROM slipway-local/node:20, on a dockerd the bench starts itself
 * (test/docker/engine.ts) and stops by PID at the end.
 * Paths: `routed` (an `x-slipway.routes` route, load through the router's HTTP port) and `published`
 * (no route; `ports: ["127.0.0.1:P:3000"]`, start-first, served by the router as an HTTP port since the
 * healthcheck is HTTP; load through P) — rolling and blue-green; `l4`, the published port as it was
 * served before (`app_protocol: tcp`: the layer-4 proxy), as a reference without a target. `pm2`
 * adds the baseline row: the same app and load under PM2 in cluster mode (×2), each deploy a
 * `pm2 reload` (PM2 from devDependencies, its own PM2_HOME). On published, l4 and pm2 rows the
 * keep-alive clients send back to back (the issue's load), not ≤ 100 requests/s. A published row on
 * the builtin router also misses when a keep-alive GET had to be resent (a client that does not
 * resend would have failed it); nginx's reloads close idle client connections, so its resends are
 * reported, as on routed rows.
 * Run: npm run bench -- zero-downtime [strategy…] [driver…] [routed|published|l4] [pm2] [docker]
 * (no path named: both paths and the pm2 row; loopback only; every loop is bounded)
 */
import { join } from "node:path";
import { freePort } from "../src/network/ports.js";
import { sharedDockerEngine } from "../test/docker/engine.js";
import startEngineDirectory from "../test/docker/global-setup.js";
import { Installation } from "./zero-downtime/installation.js";
import { pm2ReloadRow } from "./zero-downtime/pm2-reload.js";
import {
  DEPLOYS,
  deploysUnderLoad,
  FRESH_CLIENTS,
  KEEP_ALIVE_CLIENTS,
  type Outcome,
  WS_CLIENTS,
} from "./zero-downtime/under-load.js";

const STRATEGIES = ["rolling", "blue-green", "canary"] as const;
const DRIVERS = ["builtin", "nginx"] as const;
const PATHS = ["routed", "published", "l4"] as const;
const APP = join(import.meta.dirname, "..", "test", "e2e", "apps", "live", "server.cjs");
const NODE_MODULES = join(import.meta.dirname, "..", "node_modules");

type Strategy = (typeof STRATEGIES)[number];
type Driver = (typeof DRIVERS)[number];
type Path = (typeof PATHS)[number];
type TargetName = "process" | "docker";

/** The docker rows' image: the app on the local Node base; `ws` comes from the repository's node_modules, mounted read-only. */
const DOCKERFILE =
  'FROM slipway-local/node:20\nCOPY server.cjs /app/\nWORKDIR /app\nCMD ["node", "server.cjs"]\n';
/** The image has no curl: the docker rows' healthcheck asks with node. */
const NODE_PROBE = `["CMD", "node", "-e", "require('http').get('http://127.0.0.1:' + process.env.PORT + '/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]`;

function compose(
  name: string,
  strategy: Strategy,
  driver: Driver,
  ports: { http: number; https: number; published: number | undefined },
  target: TargetName,
  layer4 = false,
): string {
  const { http, https, published } = ports;
  const publishedPort = layer4
    ? `ports: [{ target: 3000, published: "${published}", host_ip: 127.0.0.1, app_protocol: tcp }]`
    : `ports: ["127.0.0.1:${published}:3000"]`;
  return `name: ${name}
x-slipway:
  target: ${target}
  router: { driver: ${driver}, http_port: ${http}, https_port: ${https} }
services:
  web:
    build: ./app
    command: ["node", "server.cjs"]
    ${published === undefined ? 'expose: ["3000"]' : publishedPort}
${target === "docker" ? `    volumes: ["${NODE_MODULES}:${NODE_MODULES}:ro"]\n` : ""}    environment:
      APP_VERSION: \${APP_VERSION:-v0}
      NODE_PATH: ${NODE_MODULES}
    deploy: { replicas: 2${published === undefined ? "" : ", update_config: { order: start-first }"} }
    healthcheck:
      test: ${target === "docker" ? NODE_PROBE : `["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health"]`}
      interval: 1s
      timeout: 2s
      retries: 3
    x-slipway:
      strategy: ${strategy}
      drain_timeout: 1s
      blue_green: { keep_old: 0s }
      canary:
        steps: [{ weight: 25, pause: 2s }, { weight: 50, pause: 2s }]
        analysis: { min_requests: 5 }
${published === undefined ? "      routes: [{ path: / }]\n" : ""}      process: { build: "true" }
`;
}

/** `pass`, `inconclusive` or `fail` from a deploy's JSON event line of a canary analysis. */
function analysisVerdict(line: string): string | undefined {
  if (!line.includes('"analysis"')) return undefined;
  try {
    const event = JSON.parse(line) as { phase?: string; detail?: string };
    return event.phase === "analysis" ? /^\d+%: (\w+)/.exec(event.detail ?? "")?.[1] : undefined;
  } catch {
    return undefined;
  }
}

async function runCombination(
  strategy: Strategy,
  driver: Driver,
  path: Path,
  target: TargetName,
  env: Record<string, string>,
): Promise<Outcome> {
  const ports = {
    http: await freePort(),
    https: await freePort(),
    published: path === "routed" ? undefined : await freePort(),
  };
  const name = `zdt${path === "routed" ? "" : path[0]}${strategy.replace("-", "")}${driver}${target === "docker" ? "docker" : ""}${process.pid}`;
  const install = new Installation(APP, compose(name, strategy, driver, ports, target, path === "l4"), {
    appFiles: target === "docker" ? { Dockerfile: DOCKERFILE } : {},
    env,
  });
  const verdicts: Record<string, number> = {};
  try {
    const first = await install.cli(["deploy"], { APP_VERSION: "v0" });
    if (first.code !== 0) throw new Error(`first deploy failed:\n${first.stdout}${first.stderr}`);
    const outcome = await deploysUnderLoad(
      ports.published ?? ports.http,
      async (n) => {
        const deploy = await install.cli(["deploy", "--json"], { APP_VERSION: `v${n}` }, 120_000, (line) => {
          const verdict = analysisVerdict(line);
          if (verdict) verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
          // A step that was not a pass pauses for a person: counted as a miss, promoted to go on.
          if (line.includes('"phase":"paused"')) void install.cli(["promote"]);
        });
        if (deploy.code === 0) return undefined;
        return (deploy.stderr || deploy.stdout).trim().split("\n").slice(-2).join(" ");
      },
      path !== "routed",
    );
    return { ...outcome, verdicts };
  } finally {
    await install.cleanup();
  }
}

/** Prints one row (and its examples); true when it missed the target. */
function printRow(
  label: string,
  outcome: Outcome,
  strategy: Strategy | "reference",
  strictResend: boolean,
): boolean {
  const { record, verdicts, deploysOk, deployErrors, seconds } = outcome;
  const analysed = Object.entries(verdicts).map(([verdict, count]) => `${count} ${verdict}`);
  const failed = record.failed.steady + record.failed.deploys;
  const row = [
    label.padEnd(28),
    `deploys ${deploysOk}/${DEPLOYS} in ${seconds.toFixed(0)} s`,
    `requests ${record.sent.steady + record.sent.deploys} (${record.sent.deploys} during deploys)`,
    `failed ${failed} (resent ${record.resent})`,
    `ws ${record.wsOpened} opened, ${record.wsMessages} messages, ${record.wsDrained} closed 1001, ${record.wsDropped} dropped`,
    `p99 steady ${record.p99("steady").toFixed(0)} ms / during deploys ${record.p99("deploys").toFixed(0)} ms`,
    ...(strategy === "canary" ? [`analysis ${analysed.join(", ") || "none"}`] : []),
  ].join(" | ");
  console.log(row);
  for (const example of record.examples) console.log(`    e.g. ${example}`);
  for (const error of deployErrors) console.log(`    deploy ${error}`);
  if (strategy === "reference") return false; // a baseline: no target of its own
  const unanalysed =
    strategy === "canary" && (verdicts.pass ?? 0) !== Object.values(verdicts).reduce((a, b) => a + b, 0);
  const noAnalysis = strategy === "canary" && !verdicts.pass;
  return (
    failed > 0 ||
    (strictResend && record.resent > 0) ||
    record.wsDropped > 0 ||
    deploysOk < DEPLOYS ||
    unanalysed ||
    noAnalysis
  );
}

const wanted = process.argv.slice(2);
const strategies = STRATEGIES.filter(
  (s) => wanted.includes(s) || !wanted.some((w) => (STRATEGIES as readonly string[]).includes(w)),
);
const target: TargetName = wanted.includes("docker") ? "docker" : "process";
const namesDriver = wanted.some((w) => (DRIVERS as readonly string[]).includes(w));
const drivers = DRIVERS.filter(
  (d) => wanted.includes(d) || (!namesDriver && (target === "process" || d === "builtin")),
);
const namesPath = wanted.some((w) => (PATHS as readonly string[]).includes(w));
const paths = PATHS.filter(
  (p) => wanted.includes(p) || (!namesPath && (target === "process" || p === "routed")),
);
const withPm2 = wanted.includes("pm2") || (!namesPath && target === "process");
const stopEngine = target === "docker" ? startEngineDirectory() : undefined;
console.log(
  `${DEPLOYS} deploys of a 2-replica app per row; load: ${KEEP_ALIVE_CLIENTS} keep-alive + ${FRESH_CLIENTS} new-connection HTTP clients (each ≤ 100 req/s), ${WS_CLIENTS} WebSocket clients (ping every 200 ms); drain_timeout 1s`,
);
let missed = false;
try {
  const engine = target === "docker" ? await sharedDockerEngine() : undefined;
  if (engine && !engine.available) throw new Error(`no Docker engine for the docker rows: ${engine.reason}`);
  const env: Record<string, string> = engine?.available ? { DOCKER_HOST: engine.host } : {};
  for (const path of paths) {
    for (const strategy of strategies) {
      // Canary analysis is the routed rows' subject; published rows run rolling and blue-green.
      if (path !== "routed" && strategy === "canary") continue;
      for (const driver of drivers) {
        // The layer-4 proxy serves the l4 rows whatever the driver: one row per strategy.
        if (path === "l4" && driver !== drivers[0]) continue;
        const outcome = await runCombination(strategy, driver, path, target, env);
        const via = path === "routed" ? driver : path === "l4" ? "published/l4 proxy" : `${driver}/published`;
        const label = `${strategy}/${via}${target === "docker" ? "/docker" : ""}`;
        const kind = path === "l4" ? "reference" : strategy;
        if (printRow(label, outcome, kind, path === "published" && driver === "builtin")) missed = true;
      }
    }
  }
  if (withPm2) printRow("pm2 reload (cluster ×2)", await pm2ReloadRow(APP, NODE_MODULES), "reference", false);
} finally {
  // The engine this bench started, stopped by its PID also when a row failed.
  await stopEngine?.();
}
console.log(
  missed
    ? "target missed: see the rows above"
    : "target met: 0 failed, 0 dropped, every deploy succeeded, every canary step analysed and passed",
);
process.exitCode = missed ? 1 : 0;

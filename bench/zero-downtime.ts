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
 * (test/docker/engine.ts) and stops by PID at the end. With `swarm`, the same image runs as a
 * 2-replica Swarm service on a single-node swarm initialised on that engine (test/docker/swarm.ts):
 * Swarm's own rolling update (stop-first, one task at a time), watched by slipway; the strategy
 * named is only the row's label.
 * Run: npm run bench -- zero-downtime [strategy…] [driver…] [docker|swarm]   (loopback only; every loop is bounded)
 */
import { join } from "node:path";
import { freePort } from "../src/network/ports.js";
import { sharedDockerEngine } from "../test/docker/engine.js";
import startEngineDirectory from "../test/docker/global-setup.js";
import { sharedSwarm } from "../test/docker/swarm.js";
import { Installation } from "./zero-downtime/installation.js";
import { type Bounds, httpClient, LoadRecord, type Phase, wsClient } from "./zero-downtime/load.js";

const STRATEGIES = ["rolling", "blue-green", "canary"] as const;
const DRIVERS = ["builtin", "nginx"] as const;
const DEPLOYS = 10;
const STEADY_MS = 4000;
const KEEP_ALIVE_CLIENTS = 3;
const FRESH_CLIENTS = 2;
const WS_CLIENTS = 6;
const APP = join(import.meta.dirname, "..", "test", "e2e", "apps", "live", "server.cjs");
const NODE_MODULES = join(import.meta.dirname, "..", "node_modules");

type Strategy = (typeof STRATEGIES)[number];
type Driver = (typeof DRIVERS)[number];
type TargetName = "process" | "docker" | "swarm";

/** The docker rows' image: the app on the local Node base; `ws` comes from the repository's node_modules, mounted read-only. */
const DOCKERFILE =
  'FROM slipway-local/node:20\nCOPY server.cjs /app/\nWORKDIR /app\nCMD ["node", "server.cjs"]\n';
/** The image has no curl: the docker rows' healthcheck asks with node. */
const NODE_PROBE = `["CMD", "node", "-e", "require('http').get('http://127.0.0.1:' + process.env.PORT + '/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]`;

function compose(
  name: string,
  strategy: Strategy,
  driver: Driver,
  http: number,
  https: number,
  target: TargetName,
): string {
  return `name: ${name}
x-slipway:
  target: ${target}
  router: { driver: ${driver}, http_port: ${http}, https_port: ${https} }
services:
  web:
    build: ./app
    command: ["node", "server.cjs"]
    expose: ["3000"]
${target !== "process" ? `    volumes: ["${NODE_MODULES}:${NODE_MODULES}:ro"]\n` : ""}    environment:
      APP_VERSION: \${APP_VERSION:-v0}
      NODE_PATH: ${NODE_MODULES}
    deploy: { replicas: 2${target === "swarm" ? ", update_config: { parallelism: 1, order: stop-first }" : ""} }
    healthcheck:
      test: ${target !== "process" ? NODE_PROBE : `["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health"]`}
      interval: ${target === "swarm" ? "2s" : "1s"}
      timeout: ${target === "swarm" ? "10s" : "2s"}
      retries: 3
    x-slipway:
      strategy: ${strategy}
      drain_timeout: 1s
      blue_green: { keep_old: 0s }
      canary:
        steps: [{ weight: 25, pause: 2s }, { weight: 50, pause: 2s }]
        analysis: { min_requests: 5 }
      routes: [{ path: / }]
      process: { build: "true" }
`;
}

interface Outcome {
  readonly record: LoadRecord;
  /** Canary analysis verdicts (pass, inconclusive, fail) over all deploys. */
  readonly verdicts: Record<string, number>;
  readonly deploysOk: number;
  readonly deployErrors: string[];
  readonly seconds: number;
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
  target: TargetName,
  env: Record<string, string>,
): Promise<Outcome> {
  const http = await freePort();
  const name = `zdt${strategy.replace("-", "")}${driver}${target === "process" ? "" : target}${process.pid}`;
  const install = new Installation(APP, compose(name, strategy, driver, http, await freePort(), target), {
    appFiles: target !== "process" ? { Dockerfile: DOCKERFILE } : {},
    env,
  });
  const record = new LoadRecord();
  const deployErrors: string[] = [];
  const verdicts: Record<string, number> = {};
  let deploysOk = 0;
  let phase: Phase = "steady";
  let stopped = false;
  try {
    const first = await install.cli(["deploy"], { APP_VERSION: "v0" });
    if (first.code !== 0) throw new Error(`first deploy failed:\n${first.stdout}${first.stderr}`);
    const bounds: Bounds = {
      stop: () => stopped,
      phase: () => phase,
      deadline: Date.now() + 400_000,
      maxRequests: 200_000,
    };
    const load = Promise.all([
      ...Array.from({ length: KEEP_ALIVE_CLIENTS }, () => httpClient(http, true, record, bounds)),
      ...Array.from({ length: FRESH_CLIENTS }, () => httpClient(http, false, record, bounds)),
      ...Array.from({ length: WS_CLIENTS }, () => wsClient(http, record, bounds)),
    ]);
    await new Promise((r) => setTimeout(r, STEADY_MS));
    phase = "deploys";
    const started = Date.now();
    for (let n = 1; n <= DEPLOYS && Date.now() < bounds.deadline; n++) {
      const deploy = await install.cli(["deploy", "--json"], { APP_VERSION: `v${n}` }, 120_000, (line) => {
        const verdict = analysisVerdict(line);
        if (verdict) verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
        // A step that was not a pass pauses for a person: counted as a miss, promoted to go on.
        if (line.includes('"phase":"paused"')) void install.cli(["promote"]);
      });
      if (deploy.code === 0) deploysOk++;
      else
        deployErrors.push(
          `v${n}: ${(deploy.stderr || deploy.stdout).trim().split("\n").slice(-2).join(" ")}`,
        );
    }
    const seconds = (Date.now() - started) / 1000;
    // Sessions closed by the last drain reconnect before the load stops.
    await new Promise((r) => setTimeout(r, 1500));
    stopped = true;
    await load;
    return { record, verdicts, deploysOk, deployErrors, seconds };
  } finally {
    stopped = true;
    await install.cleanup();
  }
}

const wanted = process.argv.slice(2);
const strategies = STRATEGIES.filter(
  (s) => wanted.includes(s) || !wanted.some((w) => (STRATEGIES as readonly string[]).includes(w)),
);
const target: TargetName = wanted.includes("swarm")
  ? "swarm"
  : wanted.includes("docker")
    ? "docker"
    : "process";
const namesDriver = wanted.some((w) => (DRIVERS as readonly string[]).includes(w));
const drivers = DRIVERS.filter(
  (d) => wanted.includes(d) || (!namesDriver && (target === "process" || d === "builtin")),
);
const stopEngine = target !== "process" ? startEngineDirectory() : undefined;
console.log(
  `${DEPLOYS} deploys of a 2-replica app per row; load: ${KEEP_ALIVE_CLIENTS} keep-alive + ${FRESH_CLIENTS} new-connection HTTP clients (each ≤ 100 req/s), ${WS_CLIENTS} WebSocket clients (ping every 200 ms); drain_timeout 1s`,
);
let missed = false;
try {
  const engine =
    target === "swarm" ? await sharedSwarm() : target === "docker" ? await sharedDockerEngine() : undefined;
  if (engine && !engine.available)
    throw new Error(`no Docker engine for the ${target} rows: ${engine.reason}`);
  const env: Record<string, string> = engine?.available ? { DOCKER_HOST: engine.host } : {};
  for (const strategy of strategies) {
    for (const driver of drivers) {
      const { record, verdicts, deploysOk, deployErrors, seconds } = await runCombination(
        strategy,
        driver,
        target,
        env,
      );
      const analysed = Object.entries(verdicts).map(([verdict, count]) => `${count} ${verdict}`);
      const failed = record.failed.steady + record.failed.deploys;
      const row = [
        `${strategy}/${driver}${target === "process" ? "" : `/${target}`}`.padEnd(
          target === "process" ? 18 : 25,
        ),
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
      const unanalysed =
        strategy === "canary" && (verdicts.pass ?? 0) !== Object.values(verdicts).reduce((a, b) => a + b, 0);
      const noAnalysis = strategy === "canary" && !verdicts.pass;
      if (failed > 0 || record.wsDropped > 0 || deploysOk < DEPLOYS || unanalysed || noAnalysis)
        missed = true;
    }
  }
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

/**
 * bench/chaos: the engine under faults. A 2-replica app (test/e2e/apps/live, rolling, restart:
 * unless-stopped) is routed by the builtin router and published through the service proxy, under a
 * bounded loopback load: keep-alive and new-connection HTTP clients on the router, new-connection
 * clients on the published port, WebSocket clients. Then N deploys (default 50), each with one
 * fault at a random point (seeded, printed, reproducible with `--seed`): `kill -9` of the agent, the
 * router or the proxy, an instance, or none. After each: the deploy ended (never stuck), exactly one
 * agent / router / proxy, no instance id with two processes, and the previous or new version serving.
 * Failures while a killed router or proxy restarts are counted apart from all others.
 * Target: 0 failed requests and 0 dropped WebSockets outside those windows, 0 duplicates, 0 stuck.
 * Run: npm run bench -- chaos [--deploys N] [--seed S]   (loopback only; every loop is bounded)
 */
import { join } from "node:path";
import { freePort } from "../src/network/ports.js";
import {
  dataPlaneCounts,
  instanceProcesses,
  median,
  pidIn,
  seededRandom,
  versionAt,
} from "./chaos/observe.js";
import { Installation } from "./zero-downtime/installation.js";
import { type Bounds, httpClient, LoadRecord, wsClient } from "./zero-downtime/load.js";

const argument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : Number(process.argv[at + 1]);
};
const DEPLOYS = argument("deploys") ?? 50;
const SEED = argument("seed") ?? Date.now() % 1_000_000;
const DEADLINE = Date.now() + 40 * 60_000;
const APP = join(import.meta.dirname, "..", "test", "e2e", "apps", "live", "server.cjs");
const NODE_MODULES = join(import.meta.dirname, "..", "node_modules");
const FAULTS = ["agent", "agent", "router", "proxy", "instance", "none"] as const;
type Fault = (typeof FAULTS)[number];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const compose = (name: string, http: number, https: number, published: number) => `name: ${name}
x-slipway:
  router: { http_port: ${http}, https_port: ${https} }
services:
  web:
    build: ./app
    command: ["node", "server.cjs"]
    ports: ["127.0.0.1:${published}:3000"]
    environment:
      APP_VERSION: \${APP_VERSION:-v0}
      NODE_PATH: ${NODE_MODULES}
    deploy: { replicas: 2 }
    restart: unless-stopped
    healthcheck:
      test: ["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health"]
      interval: 1s
      timeout: 2s
      retries: 3
    x-slipway:
      strategy: rolling
      drain_timeout: 1s
      routes: [{ path: / }]
      process: { build: "true" }
`;

/** When a failure happened, so the ones inside a data plane's restart window are told apart. */
function timestamped(record: LoadRecord): { failures: number[]; drops: number[] } {
  const times = { failures: [] as number[], drops: [] as number[] };
  const fail = record.fail.bind(record);
  record.fail = (phase, what) => {
    times.failures.push(Date.now());
    fail(phase, what);
  };
  let dropped = 0;
  Object.defineProperty(record, "wsDropped", {
    get: () => dropped,
    set: (value: number) => {
      if (value > dropped) times.drops.push(Date.now());
      dropped = value;
    },
  });
  return times;
}

const random = seededRandom(SEED);
const name = `chaos${process.pid}`;
const [http, https, published] = [await freePort(), await freePort(), await freePort()];
const install = new Installation(APP, compose(name, http, https, published));
const record = new LoadRecord();
const times = timestamped(record);
/** [start, end] of each killed router's or proxy's restart, and of each instance kill (its WebSockets end). */
const windows: { plane: "router" | "proxy" | "instance"; from: number; to: number }[] = [];
const recovery: Record<Fault, number[]> = { agent: [], router: [], proxy: [], instance: [], none: [] };
const outcomes: Record<string, number> = {};
const problems: string[] = [];
let stopped = false;

/** When the killed part was back (undefined: not within 60 s): its process again, and traffic through it. */
async function recoveredAfter(
  fault: Fault,
  killed: number | undefined,
  since: number,
): Promise<number | undefined> {
  const replaced = (file: string) => {
    const pid = pidIn(install.home, file);
    return (
      pid !== undefined && pid !== killed && dataPlaneCounts(install.home)[fault as "router"].includes(pid)
    );
  };
  while (Date.now() < since + 60_000) {
    const ok =
      fault === "none" ||
      (fault === "agent" &&
        (await install.cli(["agent", "status"], {}, 20_000)).stdout.includes("agent ") &&
        (await install.cli(["ps", "--json"], {}, 30_000)).code === 0) ||
      (fault === "router" && replaced("router.pid") && (await versionAt(http)) !== undefined) ||
      (fault === "proxy" && replaced("proxy.pid") && (await versionAt(published)) !== undefined) ||
      (fault === "instance" &&
        (await versionAt(http)) !== undefined &&
        (await versionAt(published)) !== undefined);
    if (ok) return Date.now();
    await sleep(50);
  }
  return undefined;
}

/** The latest deploy's status once no deploy runs (`running` if one still does after 60 s). */
async function deployOutcome(): Promise<string> {
  let status = "unknown";
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
    const result = await install.cli(["releases", "--json"], {}, 30_000);
    if (result.code !== 0) continue;
    status = (JSON.parse(result.stdout) as { deploys: { status: string }[] }).deploys[0]?.status ?? "none";
    if (status !== "running") return status;
  }
  return status;
}

console.log(`chaos: ${DEPLOYS} deploys, seed ${SEED} (rerun with --seed ${SEED})`);
try {
  const first = await install.cli(["deploy"], { APP_VERSION: "v0" });
  if (first.code !== 0) throw new Error(`first deploy failed:\n${first.stdout}${first.stderr}`);
  const bounds: Bounds = {
    stop: () => stopped,
    phase: () => "deploys",
    deadline: DEADLINE,
    maxRequests: 500_000,
  };
  const load = Promise.all([
    httpClient(http, true, record, bounds),
    httpClient(http, false, record, bounds),
    httpClient(published, false, record, bounds),
    ...Array.from({ length: 3 }, () => wsClient(http, record, bounds)),
  ]);
  await sleep(2000);
  let serving = "v0";
  for (let n = 1; n <= DEPLOYS && Date.now() < DEADLINE; n++) {
    const fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
    const delay = Math.floor(random() * 4000);
    const deploy = install.cli(["deploy", "--json"], { APP_VERSION: `v${n}` }, 180_000);
    await sleep(delay);
    const killedAt = Date.now();
    const target =
      fault === "instance"
        ? [...instanceProcesses(name).values()].flat()[Math.floor(random() * 2)]
        : fault === "none"
          ? undefined
          : pidIn(install.home, `${fault}.pid`);
    if (target) process.kill(target, "SIGKILL");
    const back = await recoveredAfter(fault, target, killedAt);
    if (back === undefined) problems.push(`deploy ${n}: the ${fault} did not come back within 60 s`);
    else recovery[fault].push(back - killedAt);
    if (back !== undefined && (fault === "router" || fault === "proxy"))
      windows.push({ plane: fault, from: killedAt, to: back });
    if (fault === "instance") windows.push({ plane: fault, from: killedAt, to: killedAt + 1000 });
    await deploy;
    // Never stuck: once the agent answers again, the deploy has ended one way or another.
    const outcome = await deployOutcome();
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome === "running") problems.push(`deploy ${n} (${fault} killed after ${delay} ms): stuck`);
    const answered = await versionAt(http);
    if (answered !== serving && answered !== `v${n}`) problems.push(`deploy ${n}: serves ${answered}`);
    serving = answered ?? serving;
    // A few supervisor rounds, then one of each process and no instance twice. An agent that lost the
    // start-up race exits within moments: only a count that stays wrong over 3 s is a problem.
    await sleep(1500);
    let planes = dataPlaneCounts(install.home);
    for (let i = 0; i < 6 && Object.values(planes).some((pids) => pids.length !== 1); i++) {
      await sleep(500);
      planes = dataPlaneCounts(install.home);
    }
    for (const [role, pids] of Object.entries(planes))
      if (pids.length !== 1)
        problems.push(`deploy ${n}: ${pids.length} ${role} processes (${pids.join(", ")})`);
    for (const [id, pids] of instanceProcesses(name))
      if (pids.length > 1) problems.push(`deploy ${n}: instance ${id} runs twice (${pids.join(", ")})`);
    const took = back === undefined ? "no recovery" : `back in ${back - killedAt} ms`;
    console.log(`deploy ${n}: ${fault} killed after ${delay} ms; ${took}; ${outcome}; serving ${serving}`);
  }
  stopped = true;
  await load;
} finally {
  stopped = true;
  await install.cleanup();
}

const inWindow = (at: number, planes: readonly string[]) =>
  windows.find((w) => planes.includes(w.plane) && at >= w.from && at <= w.to + 500)?.plane;
const split = (list: number[], planes: readonly string[]) => {
  const counts = { outside: 0, router: 0, proxy: 0, instance: 0 };
  for (const at of list) counts[inWindow(at, planes) ?? "outside"]++;
  return counts;
};
// A request never fails for an instance kill (the proxy and router retry); a WebSocket on it ends.
const failed = split(times.failures, ["router", "proxy"]);
const dropped = split(times.drops, ["router", "proxy", "instance"]);
const sent = record.sent.steady + record.sent.deploys;
console.log(
  `requests ${sent}: failed ${failed.outside} outside restarts, ${failed.router} while a killed router restarted, ${failed.proxy} while a killed proxy restarted`,
);
console.log(
  `websockets ${record.wsOpened} opened: dropped ${dropped.outside} outside restarts and kills, ${dropped.router} with a killed router, ${dropped.instance} on a killed instance`,
);
console.log(
  `deploys by outcome: ${Object.entries(outcomes)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ")}`,
);
for (const [fault, list] of Object.entries(recovery))
  if (list.length > 0)
    console.log(
      `recovery after ${fault} kill: median ${median(list)} ms, max ${Math.max(...list)} ms (${list.length}×)`,
    );
for (const example of record.examples) console.log(`    e.g. ${example}`);
for (const problem of problems) console.log(`    problem: ${problem}`);
const missed = failed.outside > 0 || dropped.outside > 0 || problems.length > 0;
console.log(missed ? "target missed" : "target met: 0 failed outside restarts, 0 duplicates, 0 stuck");
process.exitCode = missed ? 1 : 0;

/**
 * bench/router: throughput and latency of the same app reached directly, through slipway's builtin
 * router (its own process) and through nginx (the nginx driver), in one run on this machine.
 * Prints req/s, p50 and p99, and ratios to direct. Target: builtin ≥ 0.8 × nginx throughput.
 * Each target first gets the same unmeasured warm-up load: the app and the router are Node processes
 * whose first seconds of traffic run unoptimized code (longer still on a busy machine), and the
 * builtin router would otherwise be measured cold right after a warm app and an nginx without a JIT.
 * Also prints the proxy's own CPU time per 1,000 requests (router process; nginx worker): on a
 * shared 2-core machine throughput depends on what else runs, CPU per request much less.
 * Run: npm run bench -- router   (bounded: 3 × (5 + 8) s of load, loopback only)
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { SLIPWAY_BIN } from "../src/agent/client.js";
import { freePort } from "../src/network/ports.js";
import { RouterAdminClient } from "../src/router/builtin/admin-client.js";
import type { RouterConfig } from "../src/router/model.js";
import { NginxDriver } from "../src/router/nginx/driver.js";
import { workerPids } from "../src/router/nginx/master.js";
import { slipwayPaths } from "../src/state/paths.js";

const DURATION_S = 8;
const WARMUP_S = 5;
const CONNECTIONS = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(port: number, upstreamPort: number): RouterConfig {
  return {
    generation: Date.now(),
    http: { host: "127.0.0.1", port },
    routes: [
      {
        kind: "http",
        id: "bench/app/0",
        project: "bench",
        service: "app",
        domains: [],
        pathPrefix: "/",
        stripPrefix: false,
        sets: [
          {
            version: "r1",
            weight: 100,
            upstreams: [{ id: "bench.app.r1.0", host: "127.0.0.1", port: upstreamPort, state: "active" }],
          },
        ],
        drainTimeoutMs: 30_000,
        httpsRedirect: false,
      },
    ],
    tls: { certificates: [], minVersion: "1.2" },
    acmeChallenges: {},
    security: {
      hstsMaxAgeSeconds: 0,
      contentSecurityPolicy: "",
      referrerPolicy: "strict-origin-when-cross-origin",
    },
    limits: {
      rateLimitPerSecond: 0,
      rateLimitBurst: 0,
      maxBodyBytes: 1 << 20,
      headersTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
      queueTimeoutMs: 10_000,
    },
    trustedProxies: [],
  };
}

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU milliseconds the proxying processes used per 1,000 requests (undefined for direct). */
  readonly cpuPerThousand: number | undefined;
}

/** User + system CPU time of processes, in ms (clock ticks are 10 ms on Linux). */
const cpuMs = (pids: readonly number[]) =>
  pids.reduce((total, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return total + (Number(fields[11]) + Number(fields[12])) * 10;
  }, 0);

async function load(url: string, duration = DURATION_S, proxyPids: readonly number[] = []): Promise<Figures> {
  const before = cpuMs(proxyPids);
  const result = await autocannon({ url, connections: CONNECTIONS, duration });
  const used = cpuMs(proxyPids) - before;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuPerThousand: proxyPids.length > 0 ? (used / result.requests.total) * 1000 : undefined,
  };
}

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-router-"));
const children: number[] = [];
let nginx: NginxDriver | undefined;
try {
  const upstreamPort = await freePort();
  const app = spawn(
    process.execPath,
    [
      "-e",
      `require("http").createServer((q, s) => s.end("hello from the app\\n")).listen(${upstreamPort}, "127.0.0.1")`,
    ],
    { stdio: "ignore" },
  );
  children.push(app.pid!);

  const home = join(dir, "home");
  mkdirSync(home);
  const paths = slipwayPaths(home);
  const router = spawn(process.execPath, [SLIPWAY_BIN, "router"], {
    env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: home },
    stdio: "ignore",
  });
  children.push(router.pid!);
  const routerPort = await freePort();
  const admin = new RouterAdminClient(paths.routerSocket);
  for (let i = 0; i < 100; i++) {
    if (
      await admin.health().then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(50);
  }
  await admin.apply(config(routerPort, upstreamPort));

  const nginxPort = await freePort();
  nginx = new NginxDriver({ prefix: join(dir, "nginx"), workerProcesses: 1 });
  await nginx.apply(config(nginxPort, upstreamPort));
  await sleep(500);

  const urls = [upstreamPort, routerPort, nginxPort].map((port) => `http://127.0.0.1:${port}/`);
  const nginxWorkers = workerPids((await nginx.status()).pid!);
  for (const url of urls) await load(url, WARMUP_S);
  const [direct, builtin, viaNginx] = [
    await load(urls[0]!),
    await load(urls[1]!, DURATION_S, [router.pid!]),
    await load(urls[2]!, DURATION_S, nginxWorkers),
  ];
  const row = (name: string, f: Figures) =>
    `${name.padEnd(8)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}  (${(f.rps / direct.rps).toFixed(2)} of direct)${f.cpuPerThousand === undefined ? "" : `  proxy CPU ${f.cpuPerThousand.toFixed(0)} ms per 1000 requests`}`;
  console.log(
    `${CONNECTIONS} keep-alive connections, ${DURATION_S} s each after ${WARMUP_S} s of warm-up, 1 nginx worker, one Node app`,
  );
  console.log(row("direct", direct));
  console.log(row("builtin", builtin));
  console.log(row("nginx", viaNginx));
  console.log(`builtin / nginx throughput: ${(builtin.rps / viaNginx.rps).toFixed(2)} (target ≥ 0.8)`);
  console.log(
    `proxy CPU per request, builtin / nginx: ${(builtin.cpuPerThousand! / viaNginx.cpuPerThousand!).toFixed(1)}× (machine load ${loadavg()[0]!.toFixed(1)})`,
  );
} finally {
  await nginx?.stop().catch(() => undefined);
  for (const pid of children) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}

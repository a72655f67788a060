/**
 * bench/router: the same Node app through three proxies, in one run on this machine, with the same
 * load generator (autocannon, 32 keep-alive connections) and the same worker count:
 *  - plain:   a hand-written nginx (keep-alive to the upstream, access log off) — the baseline
 *  - nginx:   slipway's nginx driver, its generated configuration (access log, metrics, draining)
 *  - builtin: slipway's builtin router process (`slipway router`)
 * Each gets an unmeasured warm-up (Node's JIT), then `--rounds` runs of `--seconds`, interleaved so
 * that other work on the machine hits every target alike; the ratio is the median over the rounds
 * of each proxy's req/s over plain nginx's in the same round. Every proxy runs in a session of its
 * own, as in production (the kernel's autogroup scheduling makes a session a CPU group). Then each serves
 * a fixed 2,000 req/s for the proxy's CPU time per 1,000 requests (its workers; the builtin
 * router's process and workers), which depends far less on what else runs than throughput does.
 * Targets: nginx ≥ 0.9 × plain, builtin ≥ 0.8 × plain; exits 1 on a miss. Failed requests are printed.
 * Run: npm run bench -- router [--workers N] [--rounds 8] [--seconds 3]
 * (bounded: about 4 × (3 + rounds × seconds + 4) s of load, loopback only)
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../src/network/ports.js";
import { NginxDriver } from "../src/router/nginx/driver.js";
import { workerPids } from "../src/router/nginx/master.js";
import { type Figures, load, median } from "./router/load.js";
import { startPlainNginx } from "./router/plain-nginx.js";
import { answering, benchConfig, startApp, startBuiltin, withChildren } from "./router/targets.js";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "1" },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
  },
});
const WORKERS = Number(values.workers);
const ROUNDS = Math.min(10, Number(values.rounds));
const SECONDS = Math.min(30, Number(values.seconds));
const CONNECTIONS = 32;
const WARMUP_S = 3;
const FIXED_RATE = 2000;
const FIXED_S = 4;
const TARGETS = { nginx: 0.9, builtin: 0.8 } as const;

interface Target {
  readonly name: "plain" | "nginx" | "builtin";
  readonly url: string;
  readonly pids: () => number[];
}

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-router-"));
const children: ChildProcess[] = [];
let driver: NginxDriver | undefined;
let failed = false;
try {
  const upstreamPort = await freePort();
  children.push(startApp(upstreamPort));
  const [plainPort, nginxPort, builtinPort] = [await freePort(), await freePort(), await freePort()];
  const plain = startPlainNginx(join(dir, "plain"), plainPort, upstreamPort, WORKERS);
  children.push(plain.process);
  driver = new NginxDriver({ prefix: join(dir, "nginx") });
  await driver.apply(benchConfig(nginxPort, upstreamPort, WORKERS));
  const builtin = await startBuiltin(join(dir, "home"), benchConfig(builtinPort, upstreamPort, WORKERS));
  children.push(builtin);
  const nginxMaster = (await driver.status()).pid!;
  const url = (port: number) => `http://127.0.0.1:${port}/`;
  const targets: Target[] = [
    { name: "plain", url: url(plainPort), pids: () => plain.workers() },
    { name: "nginx", url: url(nginxPort), pids: () => workerPids(nginxMaster) },
    { name: "builtin", url: url(builtinPort), pids: () => withChildren(builtin.pid!) },
  ];
  for (const target of targets) await answering(target.url);
  await answering(url(upstreamPort));

  for (const target of [...targets, { name: "direct", url: url(upstreamPort), pids: () => [] }])
    await load({ url: target.url, connections: CONNECTIONS, seconds: WARMUP_S });
  const runs = new Map<string, Figures[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so no target always runs right after the same one.
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) {
      const figures = await load({
        url: target.url,
        connections: CONNECTIONS,
        seconds: SECONDS,
        pids: target.pids(),
      });
      runs.get(target.name)!.push(figures);
      console.log(
        `  round ${round + 1} ${target.name.padEnd(7)} ${figures.rps.toFixed(0).padStart(6)} req/s  CPU ${figures.cpuPerThousand?.toFixed(0)} ms/1000  errors ${figures.errors}`,
      );
    }
  }
  const direct = await load({ url: url(upstreamPort), connections: CONNECTIONS, seconds: SECONDS });
  const fixed = new Map<string, Figures>();
  for (const target of targets)
    fixed.set(
      target.name,
      await load({
        url: target.url,
        connections: CONNECTIONS,
        seconds: FIXED_S,
        rate: FIXED_RATE,
        pids: target.pids(),
      }),
    );

  const plainRuns = runs.get("plain")!;
  console.log(
    `\n${CONNECTIONS} keep-alive connections, ${WORKERS} worker(s) per proxy, ${ROUNDS} rounds × ${SECONDS} s per proxy, machine load ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    "ratio = median over the rounds of (req/s of the proxy / req/s of plain nginx in the same round)",
  );
  console.log(`direct (no proxy, context only) ${direct.rps.toFixed(0)} req/s`);
  for (const target of targets) {
    const all = runs.get(target.name)!;
    const rps = median(all.map((f) => f.rps));
    const cpu = median(all.map((f) => f.cpuPerThousand ?? 0));
    const paced = fixed.get(target.name)!;
    // Per round, against the plain nginx run next to it: the load of other work on the machine
    // drifts over tens of seconds, and a ratio of neighbours cancels most of it.
    const ratio = median(all.map((f, round) => f.rps / plainRuns[round]!.rps));
    const goal = target.name === "plain" ? undefined : TARGETS[target.name];
    // Printed, not a miss: both nginx configurations (the hand-written one too) fail a few requests
    // in 10^5 against the Node app under this load, the builtin router none (bench/RESULTS.md).
    const errors = [...all, paced].reduce((sum, f) => sum + f.errors, 0);
    const verdict = goal === undefined ? "baseline" : ratio >= goal ? `≥ ${goal} met` : `≥ ${goal} MISSED`;
    if (goal !== undefined && ratio < goal) failed = true;
    console.log(
      `${target.name.padEnd(8)} ${rps.toFixed(0).padStart(6)} req/s  ${ratio.toFixed(2)} × plain (${verdict})  p99 ${median(all.map((f) => f.p99))} ms  CPU ${cpu.toFixed(0)} ms/1000 at full load, ${paced.cpuPerThousand?.toFixed(0)} ms/1000 at ${FIXED_RATE} req/s (${(((paced.cpuPerThousand ?? 0) * paced.rps) / 10_000).toFixed(1)} % of a core)  errors ${errors}`,
    );
  }
} finally {
  await driver?.stop().catch(() => undefined);
  for (const child of children) child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/**
 * bench/supervised: 200 supervised processes, slipway against PM2, in one run on one machine.
 * The same Node script (bench/supervised/idle.cjs: an HTTP server object that never listens, and a
 * timer) runs 200 times:
 * under slipway as one service with 200 replicas (`strategy: recreate`, no port), under PM2 as one
 * app with 200 fork-mode instances (PM2 from devDependencies, its own PM2_HOME). Each side's daemon
 * is up before the clock starts; the clock runs from the command (`slipway deploy`, `pm2 start`)
 * until it returned and all 200 processes run. Memory: PSS (shared pages split between their users,
 * from /proc/PID/smaps_rollup) summed over every process of that side — slipway's agent, proxy and
 * router (when running) and the instances; PM2's daemon and its processes — 5 s after the start.
 * Target: slipway uses less PSS in total and starts the 200 sooner; exit 1 otherwise.
 * Run: npm run bench -- supervised [count]   (default 200)
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Pm2Daemon } from "./pm2/daemon.js";
import { Installation, pidsWithEnv } from "./zero-downtime/installation.js";

const COUNT = Number(process.argv[2] ?? 200);
const SCRIPT = join(import.meta.dirname, "supervised", "idle.cjs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Proportional set size of one process in MB (0 when it is gone). */
function pssMb(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Waits until `count()` reaches `wanted` (checked every 100 ms, at most `timeoutMs`). */
async function until(count: () => number, wanted: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < wanted) {
    if (Date.now() > deadline)
      throw new Error(`only ${count()} of ${wanted} processes after ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface Side {
  readonly seconds: number;
  readonly pssMb: number;
  readonly processes: number;
}

async function underSlipway(): Promise<Side> {
  const project = `benchsup${process.pid}`;
  const install = new Installation(
    SCRIPT,
    `name: ${project}
services:
  idle:
    build: ./app
    command: ["node", "server.cjs"]
    deploy: { replicas: ${COUNT} }
    x-slipway: { strategy: recreate, process: { build: "true" } }
`,
  );
  try {
    const agent = await install.cli(["agent", "start"]);
    if (agent.code !== 0) throw new Error(`agent start failed: ${agent.stderr}`);
    const instances = () => pidsWithEnv("SLIPWAY_PROJECT", project).length;
    const started = performance.now();
    const deploy = await install.cli(["deploy"], {}, 600_000);
    if (deploy.code !== 0) throw new Error(`deploy failed:\n${deploy.stdout}${deploy.stderr}`);
    await until(instances, COUNT);
    const seconds = (performance.now() - started) / 1000;
    await sleep(5000);
    const pids = new Set([
      ...pidsWithEnv("SLIPWAY_HOME", install.home),
      ...pidsWithEnv("SLIPWAY_PROJECT", project),
    ]);
    return { seconds, pssMb: [...pids].reduce((sum, pid) => sum + pssMb(pid), 0), processes: pids.size };
  } finally {
    await install.cleanup();
  }
}

async function underPm2(): Promise<Side> {
  const pm2 = new Pm2Daemon();
  try {
    const ping = await pm2.run(["ping"]);
    if (ping.code !== 0) throw new Error(`pm2 ping failed: ${ping.output}`);
    const children = () => pidsWithEnv("PM2_HOME", pm2.home).filter((pid) => pid !== pm2.daemonPid()).length;
    const started = performance.now();
    await pm2.start([{ name: "idle", script: SCRIPT, instances: COUNT, exec_mode: "fork" }]);
    await until(children, COUNT);
    const seconds = (performance.now() - started) / 1000;
    await sleep(5000);
    const pids = pidsWithEnv("PM2_HOME", pm2.home);
    return { seconds, pssMb: pids.reduce((sum, pid) => sum + pssMb(pid), 0), processes: pids.length };
  } finally {
    await pm2.stop();
  }
}

const load = () => loadavg()[0]!.toFixed(1);
console.log(`${COUNT} supervised copies of ${SCRIPT}; load ${load()} at the start`);
const slipway = await underSlipway();
const pm2 = await underPm2();
const row = (name: string, side: Side) =>
  `${name.padEnd(8)} started in ${side.seconds.toFixed(2)} s | PSS ${side.pssMb.toFixed(0)} MB over ${side.processes} processes`;
console.log(row("slipway", slipway));
console.log(row("pm2", pm2));
console.log(
  `ratios slipway/pm2: start ${(slipway.seconds / pm2.seconds).toFixed(2)} ×, PSS ${(slipway.pssMb / pm2.pssMb).toFixed(2)} ×; load ${load()} at the end`,
);
const better = slipway.seconds < pm2.seconds && slipway.pssMb < pm2.pssMb;
console.log(better ? "target met: slipway starts sooner and uses less memory" : "target missed");
process.exitCode = better ? 0 : 1;

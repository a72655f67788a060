/**
 * bench/rollback: how long `slipway rollback` takes for a blue-green service inside its keep_old
 * window (only a switch back to the warm colour; target ≤ 1 s), against a rollback that must start
 * the old release again (rolling strategy), the same app in one run.
 * Run: npm run bench -- rollback
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../src/network/ports.js";

const BIN = resolve(import.meta.dirname, "../bin/slipway");
const ROUNDS = 5;

const APP = `import http from "node:http";
// A realistic boot: half a second before it listens.
setTimeout(() => http.createServer((q, s) => s.end(process.env.APP_VERSION)).listen(Number(process.env.PORT), "127.0.0.1"), 500);
process.on("SIGTERM", () => process.exit(0));
`;

const compose = (name: string, strategy: string, port: number) => `name: ${name}
services:
  web:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment: { APP_VERSION: "\${V:-1}" }
    deploy: { replicas: 2 }
    x-slipway: { strategy: ${strategy}, blue_green: { keep_old: 10m } }
`;

function slipway(dir: string, home: string, args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: home, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(`slipway ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = mkdtempSync(join(tmpdir(), "slipway-bench-rollback-"));
const home = join(root, "home");
try {
  const results: Record<string, number> = {};
  for (const strategy of ["blue-green", "rolling"]) {
    const dir = join(root, strategy);
    mkdirSync(join(dir, "app"), { recursive: true });
    writeFileSync(join(dir, "app/server.mjs"), APP);
    writeFileSync(
      join(dir, "compose.yaml"),
      compose(`rb${strategy.replace("-", "")}${process.pid}`, strategy, await freePort()),
    );
    const times: number[] = [];
    slipway(dir, home, ["deploy"], { V: "1" });
    for (let round = 0; round < ROUNDS; round++) {
      slipway(dir, home, ["deploy"], { V: String(round + 2) });
      times.push(slipway(dir, home, ["rollback"]));
    }
    results[strategy] = median(times);
    console.log(
      `${strategy}: rollback median ${median(times).toFixed(0)} ms over ${ROUNDS} (all: ${times.map((t) => t.toFixed(0)).join(", ")} ms)`,
    );
    slipway(dir, home, ["down"]);
  }
  console.log(
    `blue-green rollback inside keep_old: ${results["blue-green"]!.toFixed(0)} ms, CLI start included (target ≤ 1000 ms); rolling rollback that restarts the release: ${results.rolling!.toFixed(0)} ms`,
  );
} finally {
  spawnSync(process.execPath, [BIN, "agent", "stop"], {
    env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: home },
  });
  for (const file of ["proxy.pid", "router.pid"]) {
    try {
      process.kill(Number(readFileSync(join(home, file), "utf8").split(" ")[0]), "SIGTERM");
    } catch {
      // not running
    }
  }
  rmSync(root, { recursive: true, force: true });
}

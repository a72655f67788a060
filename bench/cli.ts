/**
 * bench/cli: how long a person waits for a command, beside Node's own start-up in the same run.
 *  - `--help`, `ps`, `releases`, `logs -n 20` against a running agent, each 15 times, median wall time
 *  - baseline: `node -e 0`, measured interleaved with them
 * Target: each command's median ≤ 0.15 s while Node itself starts in 0.06 s (idle machine), i.e. at
 * most 2.5 × the `node -e 0` median measured in the same run (a busy machine slows both alike).
 * Run: npm run bench -- cli   (bench.sh builds first)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProcStat } from "../src/host/proc-stat.js";

const ROUNDS = 15;
const BUDGET_RATIO = 0.15 / 0.06;
const BIN = join(import.meta.dirname, "../bin/slipway");

const root = mkdtempSync(join(tmpdir(), "slipway-bench-cli-"));
const env = { ...process.env, SLIPWAY_HOME: join(root, "home") };
writeFileSync(join(root, "compose.yaml"), 'name: benchcli\nservices:\n  web: { image: "redis:7" }\n');

const run = (argv: readonly string[]): number => {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, { cwd: root, env, stdio: "ignore", timeout: 30_000 });
  if (result.status !== 0 && argv[0] === BIN) throw new Error(`${argv.join(" ")} exited ${result.status}`);
  return (performance.now() - started) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const COMMANDS: Record<string, readonly string[]> = {
  "--help": [BIN, "--help"],
  ps: [BIN, "ps"],
  releases: [BIN, "releases"],
  "logs -n 20": [BIN, "logs", "-n", "20"],
};

let missed = false;
try {
  run([BIN, "agent", "start"]);
  const times: Record<string, number[]> = { "node -e 0": [] };
  for (let round = 0; round < ROUNDS; round++) {
    times["node -e 0"]!.push(run(["-e", "0"]));
    for (const [name, argv] of Object.entries(COMMANDS)) {
      times[name] = [...(times[name] ?? []), run(argv)];
    }
  }
  const node = median(times["node -e 0"]!);
  console.log(`node -e 0       median ${node.toFixed(3)} s (${ROUNDS} runs)`);
  for (const name of Object.keys(COMMANDS)) {
    const wall = median(times[name]!);
    const ratio = wall / node;
    const ok = ratio <= BUDGET_RATIO;
    missed ||= !ok;
    console.log(
      `${name.padEnd(15)} median ${wall.toFixed(3)} s = ${ratio.toFixed(2)} × node  ${ok ? "ok" : `MISSED (budget ${BUDGET_RATIO} × node)`}`,
    );
  }
} finally {
  spawnSync(process.execPath, [BIN, "agent", "stop"], { cwd: root, env, stdio: "ignore" });
  // The proxy outlives the agent by design: end it by its PID file, if it is still that process.
  const pidFile = join(root, "home/proxy.pid");
  const [pid, startTime] = existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim().split(" ") : [];
  if (pid && readProcStat(Number(pid))?.startTime === startTime) process.kill(Number(pid), "SIGTERM");
  rmSync(root, { recursive: true, force: true });
}
console.log(missed ? "target missed" : "target met");
process.exitCode = missed ? 1 : 0;

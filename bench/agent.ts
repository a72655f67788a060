/**
 * bench/agent: the agent's own cost.
 *  - idle footprint: every slipway process together (agent, and proxy/router if any runs) with no
 *    project (target ≤ 60 MB RSS in total)
 *  - agent RSS and CPU while supervising 200 idle processes
 *  - deploy time minus the slowest service's own boot time (target ≤ 1 s)
 * Run: npm run bench -- agent   (needs `npm run build`; bench.sh builds first)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentClient, startAgentDaemon } from "../src/agent/client.js";
import type { DeployEvent } from "../src/deploy/events.js";
import { loadManifest } from "../src/manifest/load.js";
import { serializeAppSpec } from "../src/manifest/serialize.js";
import { freePort } from "../src/network/ports.js";
import { slipwayPaths } from "../src/state/paths.js";

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const BOOT_MS = 800;
const APP = `import http from "node:http";
setTimeout(() => http.createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1"), ${BOOT_MS});
process.on("SIGTERM", () => process.exit(0));
`;

/** How long the app takes to answer when started directly (its own boot time). */
async function directBootMs(dir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(dir, "app/server.mjs")], {
    env: { PORT: String(port) },
    stdio: "ignore",
  });
  try {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      );
      if (ok) return performance.now() - started;
      await sleep(10);
    }
    throw new Error("app never answered");
  } finally {
    child.kill("SIGKILL");
  }
}

async function deploy(home: string, compose: string, env: Record<string, string>): Promise<number> {
  const { spec, problems } = loadManifest({ files: [compose], env });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  const client = await startAgentDaemon(slipwayPaths(home));
  const started = performance.now();
  let finished: DeployEvent | undefined;
  for await (const event of client.stream<DeployEvent>("POST", "/v1/deploy", {
    spec: serializeAppSpec(spec),
  }))
    finished = event;
  if (finished?.type !== "deploy.finished" || finished.status !== "succeeded")
    throw new Error(`deploy failed: ${JSON.stringify(finished)}`);
  return performance.now() - started;
}

const missed: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "slipway-bench-agent-"));
const home = join(dir, "home");
const paths = slipwayPaths(home);
try {
  await startAgentDaemon(paths);
  const agentPid = Number(readFileSync(paths.pidFile, "utf8"));
  await sleep(3000);
  const others = [paths.proxyPidFile, paths.routerPidFile].flatMap((file) => {
    const pid = existsSync(file) ? Number(readFileSync(file, "utf8").split(" ")[0]) : Number.NaN;
    return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? [pid] : [];
  });
  const idleTotal = [agentPid, ...others].reduce((sum, pid) => sum + rssMb(pid), 0);
  missed.push(...(idleTotal > 60 ? ["idle footprint"] : []));
  console.log(
    `idle: agent ${rssMb(agentPid).toFixed(1)} MB + ${others.length} other slipway processes = ${idleTotal.toFixed(1)} MB RSS (target ≤ 60 MB)`,
  );

  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app/server.mjs"), APP);
  writeFileSync(
    join(dir, "compose.yaml"),
    `name: benchboot
services:
  web:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["3000"]
  idle:
    build: ./app
    command: ["sleep", "3600"]
    deploy: { replicas: "\${IDLE:-0}" }
    x-slipway: { strategy: recreate }
`,
  );
  const boot = await directBootMs(dir);
  await deploy(home, join(dir, "compose.yaml"), { IDLE: "0" }); // builds the artifact
  writeFileSync(join(dir, "app/server.mjs"), `${APP}// v2\n`);
  const second = await deploy(home, join(dir, "compose.yaml"), { IDLE: "0" });
  console.log(
    `app boot alone: ${boot.toFixed(0)} ms; deploy of a changed 1-file app (build + health-gated rollout): ${second.toFixed(0)} ms; overhead ${(second - boot).toFixed(0)} ms (target ≤ 1000 ms)`,
  );
  missed.push(...(second - boot > 1000 ? ["deploy overhead"] : []));

  const idleDeploy = await deploy(home, join(dir, "compose.yaml"), { IDLE: "200" });
  await sleep(2000);
  const before = cpuTicks(agentPid);
  const window = 10_000;
  await sleep(window);
  const cpu = ((cpuTicks(agentPid) - before) / 100 / (window / 1000)) * 100;
  console.log(
    `200 idle instances started in ${(idleDeploy / 1000).toFixed(1)} s; agent RSS ${rssMb(agentPid).toFixed(1)} MB, CPU ${cpu.toFixed(1)}% of one core over ${window / 1000} s`,
  );
} finally {
  // Stop what this run started, by PID, also when it failed half-way.
  await new AgentClient(paths).call("POST", "/v1/down", { project: "benchboot" }).catch(() => undefined);
  for (const file of [paths.pidFile, paths.proxyPidFile, paths.routerPidFile]) {
    try {
      process.kill(Number(readFileSync(file, "utf8").split(" ")[0]), "SIGTERM");
    } catch {
      // not running
    }
  }
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
console.log(missed.length ? `target missed: ${missed.join(", ")}` : "targets met");
process.exitCode = missed.length ? 1 : 0;

/**
 * bench/manifest: load + validate + plan a generated Compose file with 1,000 services and deep
 * depends_on chains. Target: under 1 s on the development machine (2 cores).
 * Run: npm run bench -- manifest
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadManifest } from "../src/manifest/load.js";
import { planStartOrder } from "../src/plan/start-order.js";

const SERVICES = 1000;
const CHAIN = 100; // services depend on the previous one in chains of 100, plus cross-links

function generate(): unknown {
  const services: Record<string, unknown> = {};
  for (let i = 0; i < SERVICES; i++) {
    const dependsOn: Record<string, unknown> = {};
    if (i % CHAIN !== 0) dependsOn[`svc${i - 1}`] = { condition: "service_healthy" };
    if (i >= CHAIN) dependsOn[`svc${i - CHAIN}`] = { condition: "service_started" };
    services[`svc${i}`] = {
      image: `registry.local/app:${i}`,
      command: ["node", "server.js", "--port", "3000"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Compose interpolation, not a JS template
      environment: { INDEX: String(i), DATABASE_URL: "postgres://db:5432/app", REGION: "${REGION:-eu}" },
      ports: [`127.0.0.1:${10000 + i}:3000`],
      volumes: [`./data/${i}:/data`],
      depends_on: dependsOn,
      healthcheck: { test: ["CMD", "true"], interval: "5s", timeout: "1s", retries: 3 },
      deploy: {
        replicas: 2,
        update_config: { order: "start-first" },
        resources: { limits: { memory: "128m" } },
      },
      restart: "unless-stopped",
    };
  }
  return { name: "bench", services };
}

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-manifest-"));
try {
  const file = join(dir, "compose.yaml");
  writeFileSync(file, stringify(generate()));
  const runs: number[] = [];
  // CPU time of this process too: on a machine other work keeps busy, wall time mostly measures the wait for a core
  const cpu: number[] = [];
  let levels = 0;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const result = loadManifest({ files: [file], cwd: dir, env: {} });
    if (!result.spec) throw new Error(`bench manifest did not load: ${result.problems[0]?.message}`);
    levels = planStartOrder(result.spec).levels.length;
    runs.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`services: ${SERVICES}, start levels: ${levels}, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `load + validate + plan: first ${runs[0]!.toFixed(0)} ms, median of 5 ${median(runs).toFixed(0)} ms (target < 1000 ms); CPU time median ${median(cpu).toFixed(0)} ms`,
  );
  if (median(runs) >= 1000) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { SLIPWAY_BIN } from "../../src/agent/client.js";
import { RouterAdminClient } from "../../src/router/builtin/admin-client.js";
import type { RouterConfig } from "../../src/router/model.js";
import { slipwayPaths } from "../../src/state/paths.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The route table every proxy of the bench serves: one route, one upstream, the defaults of a project. */
export function benchConfig(port: number, upstreamPort: number, workers: number): RouterConfig {
  return {
    generation: Date.now(),
    http: { host: "127.0.0.1", port },
    workers,
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

/** The app behind every proxy: one Node process answering a short text (as the figures). */
export function startApp(port: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      "-e",
      `require("http").createServer((q, s) => s.end("hello from the app\\n")).listen(${port}, "127.0.0.1")`,
    ],
    { stdio: "ignore" },
  );
}

/** `pid` and its child processes (the builtin router's workers). */
export function withChildren(pid: number): number[] {
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children];
}

/** The builtin router as slipway runs it (`slipway router`, its own process), serving `config`. */
export async function startBuiltin(home: string, config: RouterConfig): Promise<ChildProcess> {
  mkdirSync(home, { recursive: true });
  const router = spawn(process.execPath, [SLIPWAY_BIN, "router"], {
    env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: home },
    stdio: ["ignore", "ignore", "inherit"],
    // Its own session, as the agent starts it (see plain-nginx.ts: autogroup scheduling).
    detached: true,
  });
  const admin = new RouterAdminClient(slipwayPaths(home).routerSocket);
  for (let i = 0; i < 200; i++) {
    const up = await admin.health().then(
      () => true,
      () => false,
    );
    if (up) break;
    await sleep(50);
  }
  await admin.apply(config);
  return router;
}

/** Waits until `url` answers 200 (a proxy that just started or reloaded). */
export async function answering(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${url} does not answer`);
}

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * One Docker engine for a whole test run, started by the first test that needs it: its own
 * `dockerd` with its own data root, exec root, pidfile and unix socket in the run's directory
 * (`SLIPWAY_TEST_DOCKER_DIR`, made by `global-setup.ts`, which also stops it by PID at the end).
 * Containers use host networking only: the engine runs with `--bridge=none --iptables=false`.
 */
export type TestEngine =
  | { readonly available: true; readonly host: string }
  | { readonly available: false; readonly reason: string };

/** Env var naming the run's engine directory. */
export const ENGINE_DIR_VAR = "SLIPWAY_TEST_DOCKER_DIR";

/** Files of the run's engine, all under its directory. */
export const enginePaths = (dir: string) => ({
  socket: join(dir, "docker.sock"),
  /** PID of the dockerd this run started: the only process teardown stops. */
  pid: join(dir, "engine.pid"),
  lock: join(dir, "starting"),
  ready: join(dir, "ready"),
  failed: join(dir, "failed"),
  log: join(dir, "dockerd.log"),
});

const required = () => process.env.CI === "true" || process.env.SLIPWAY_REQUIRE_DOCKER === "1";

/** Resolves when the engine behind `socket` answers `/_ping`, false after `timeoutMs`. */
export async function pingEngine(socket: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
      req.end();
    });
    if (ok) return true;
    await sleep(200);
  }
  return false;
}

function whyNoEngine(): string | undefined {
  if (spawnSync("sh", ["-c", "command -v dockerd"]).status !== 0)
    return "dockerd is not installed (scripts/install-deps.sh installs Debian's docker.io)";
  if (process.getuid?.() !== 0) return "starting a Docker engine needs root";
  return undefined;
}

async function startEngine(dir: string): Promise<TestEngine> {
  const files = enginePaths(dir);
  const missing = whyNoEngine();
  if (missing) return { available: false, reason: missing };
  const args = [
    `--data-root=${join(dir, "data")}`,
    `--exec-root=${join(dir, "exec")}`,
    `--pidfile=${join(dir, "dockerd.pid")}`,
    `--host=unix://${files.socket}`,
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
  ];
  const log = openSync(files.log, "a");
  const child = spawn("dockerd", args, { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  writeFileSync(files.pid, String(child.pid));
  if (!(await pingEngine(files.socket, 30_000))) {
    const tail = readFileSync(files.log, "utf8").split("\n").slice(-5).join("\n");
    return { available: false, reason: `dockerd did not answer within 30s:\n${tail}` };
  }
  const host = `unix://${files.socket}`;
  const images = spawnSync("bash", [join(import.meta.dirname, "../../scripts/docker-base-images.sh")], {
    env: { ...process.env, DOCKER_HOST: host },
    encoding: "utf8",
  });
  if (images.status !== 0)
    return { available: false, reason: `making the local base images failed:\n${images.stderr}` };
  return { available: true, host };
}

let shared: Promise<TestEngine> | undefined;

/** The run's engine, started on first use (one test file at a time holds the start lock). */
export function sharedDockerEngine(): Promise<TestEngine> {
  shared ??= (async (): Promise<TestEngine> => {
    const dir = process.env[ENGINE_DIR_VAR];
    if (!dir)
      return { available: false, reason: `${ENGINE_DIR_VAR} is unset (vitest's global setup sets it)` };
    const files = enginePaths(dir);
    let engine: TestEngine;
    try {
      mkdirSync(files.lock);
      engine = await startEngine(dir);
      writeFileSync(
        engine.available ? files.ready : files.failed,
        engine.available ? engine.host : engine.reason,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      while (!existsSync(files.ready) && !existsSync(files.failed)) await sleep(100);
      engine = existsSync(files.ready)
        ? { available: true, host: readFileSync(files.ready, "utf8") }
        : { available: false, reason: readFileSync(files.failed, "utf8") };
    }
    if (!engine.available && required()) throw new Error(`no Docker engine for the tests: ${engine.reason}`);
    return engine;
  })();
  return shared;
}

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll } from "vitest";
import type { PsResult } from "../../src/agent/api.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import type { Deploy, Release } from "../../src/state/index.js";
import { type CliResult, REPO } from "./cli.js";
import { exeOf, isAlive, pidsWithEnv, startTimeOf } from "./procs.js";

/** A TCP port that was free on loopback a moment ago. */
export { freePort } from "../../src/network/ports.js";

const BIN = join(REPO, "bin/slipway");
const APPS = join(REPO, "test/e2e/apps");
const NODE = realpathSync(process.execPath);

/** Options for the deploy engine's tests: they wait on real processes, which a busy machine slows down. */
export const PATIENT = { timeout: 180_000 } as const;

/** What `slipway releases --json` prints. */
export interface ReleasesResult {
  readonly releases: readonly Omit<Release, "spec">[];
  readonly deploys: readonly Deploy[];
}

/** A CLI command running in the background (a deploy we poke at while it runs). */
export interface Background {
  /** Resolves when the command exits (it is SIGKILLed after its time limit). */
  readonly done: Promise<CliResult>;
  /** Resolves with the first event it printed that matches; rejects after `timeoutMs` or if it exits first. */
  waitForEvent(match: (event: DeployEvent) => boolean, timeoutMs?: number): Promise<DeployEvent>;
  /** What it printed to stdout so far. */
  output(): string;
  /** Ctrl-C: sends it SIGINT. */
  interrupt(): void;
}

/** Events of a `--json` deploy, one per line. */
function parseEvents(stdout: string): DeployEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{") && line.endsWith("}"))
    .map((line) => JSON.parse(line) as DeployEvent);
}

/** The `deploy.finished` event of a finished `--json` deploy. */
export function finished(stdout: string): Extract<DeployEvent, { type: "deploy.finished" }> {
  const event = parseEvents(stdout).find((e) => e.type === "deploy.finished");
  if (event?.type !== "deploy.finished") throw new Error(`no deploy.finished event in:\n${stdout}`);
  return event;
}

/** The services that reported `phase` in a `--json` deploy's events. */
export const servicesIn = (stdout: string, phase: string): string[] =>
  parseEvents(stdout).flatMap((e) => (e.type === "service" && e.phase === phase ? [e.service] : []));

/**
 * A Compose file whose `web` service runs the fixture app (test/e2e/apps/web, copied to ./app) on a
 * published loopback port. `environment` values are written as given (so `\${VAR:-v1}` interpolates);
 * `extra` is appended as it is: more service keys indented by four spaces, then top-level keys.
 */
export function webCompose(port: number, environment: Record<string, string>, extra = ""): string {
  const variables = Object.entries(environment).map(([name, value]) => `      ${name}: ${value}\n`);
  return `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment:
${variables.join("")}${extra}`;
}

/** Polls `check` every `intervalMs` until it returns something truthy; throws naming `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await sleep(intervalMs);
  }
}

/**
 * One isolated slipway installation for one test: its own SLIPWAY_HOME, project directory and
 * project name (so service addresses and process markers never collide with other tests).
 */
export class Sandbox {
  readonly root: string;
  readonly home: string;
  readonly dir: string;
  readonly project: string;
  private readonly children = new Set<ChildProcess>();

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), "slipway-e2e-"));
    this.home = join(this.root, "home");
    this.dir = join(this.root, "project");
    this.project = `e2e${randomBytes(5).toString("hex")}`;
    mkdirSync(this.dir, { recursive: true });
  }

  /** Writes files into the project directory (Compose files name the project `${E2E_PROJECT}`). */
  write(files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), content);
    }
  }

  /** Copies a fixture app from test/e2e/apps into the project directory. */
  copyApp(app: string, to: string): void {
    cpSync(join(APPS, app), join(this.dir, to), { recursive: true });
  }

  /** Runs the built CLI in the background (SIGKILLed after `timeoutMs`). */
  start(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Background {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/root",
        SLIPWAY_HOME: this.home,
        E2E_PROJECT: this.project,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.add(child);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    let exited = false;
    const done = new Promise<CliResult>((resolve) => {
      child.on("error", (error) => {
        stderr += `cannot run slipway: ${error.message}\n`;
      });
      child.on("close", (code) => {
        exited = true;
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
    return {
      done,
      output: () => stdout,
      interrupt: () => child.kill("SIGINT"),
      waitForEvent: async (match, waitMs = 60_000) => {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const event = parseEvents(stdout).find(match);
          if (event) return event;
          if (exited)
            throw new Error(
              `\`slipway ${args.join(" ")}\` exited before the awaited event:\n${stdout}${stderr}`,
            );
          if (Date.now() > deadline)
            throw new Error(`no such event within ${waitMs} ms; so far:\n${stdout}${stderr}`);
          await sleep(50);
        }
      },
    };
  }

  /** Runs the built CLI to completion. */
  cli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
    return this.start(args, env, timeoutMs).done;
  }

  /** `slipway ps --json`; throws when it fails. */
  async ps(): Promise<PsResult> {
    const result = await this.cli(["ps", "--json"]);
    if (result.code !== 0) throw new Error(`slipway ps failed: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout) as PsResult;
  }

  /** `slipway releases --json`; throws when it fails. */
  async releases(): Promise<ReleasesResult> {
    const result = await this.cli(["releases", "--json"]);
    if (result.code !== 0) throw new Error(`slipway releases failed: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout) as ReleasesResult;
  }

  agentPid(): number | undefined {
    const file = join(this.home, "agent.pid");
    return existsSync(file) ? Number(readFileSync(file, "utf8")) : undefined;
  }

  /**
   * Live Node processes of this project's services, found by the SLIPWAY_PROJECT every instance gets
   * (the launch wrapper's short-lived helpers, like `mount`, carry it too but are not Node).
   */
  servicePids(): number[] {
    return pidsWithEnv("SLIPWAY_PROJECT", this.project)
      .filter((pid) => exeOf(pid) === NODE)
      .sort((a, b) => a - b);
  }

  /**
   * Stops everything this sandbox started: `down` and `agent stop` through the CLI, then SIGKILL by
   * PID for whatever still lives (its instances and jobs, its agent and proxy, CLI commands still
   * running), then removes the temporary directories. Safe after a test failed half-way.
   */
  async cleanup(): Promise<void> {
    const pids = new Set<number>();
    if (existsSync(this.home)) {
      const ps = await this.cli(["ps", "-p", this.project, "--json"], {}, 20_000);
      if (ps.code === 0)
        // Swarm tasks have no PID on this machine (0): kill(0) would hit this test run's own group.
        for (const instance of (JSON.parse(ps.stdout) as PsResult).instances)
          if (instance.pid > 0) pids.add(instance.pid);
      await this.cli(["down", "-p", this.project], {}, 30_000);
      const agent = this.agentPid();
      if (agent) pids.add(agent);
      await this.cli(["agent", "stop"], {}, 20_000);
      const proxyFile = join(this.home, "proxy.pid");
      if (existsSync(proxyFile)) {
        const [pid, startTime] = readFileSync(proxyFile, "utf8").trim().split(" ");
        if (startTimeOf(Number(pid)) === startTime) pids.add(Number(pid));
      }
      for (const pid of pidsWithEnv("SLIPWAY_HOME", this.home)) pids.add(pid);
    }
    for (const pid of pidsWithEnv("SLIPWAY_PROJECT", this.project)) pids.add(pid);
    for (const child of this.children) if (child.pid) pids.add(child.pid);
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    for (let i = 0; i < 50 && [...pids].some(isAlive); i++) await sleep(100);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Gives each test of the file its own sandbox, with the fixture app copied to `./app` of the project.
 * The tests of a file may run concurrently, so the sandboxes are cleaned up together once the file
 * is done (whether its tests passed or failed).
 */
export function sandboxPerTest(): (files: Record<string, string>) => Sandbox {
  const used: Sandbox[] = [];
  afterAll(async () => {
    await Promise.all(used.map((sandbox) => sandbox.cleanup()));
  }, 120_000);
  return (files) => {
    const sandbox = new Sandbox();
    used.push(sandbox);
    sandbox.copyApp("web", "app");
    sandbox.write(files);
    return sandbox;
  };
}

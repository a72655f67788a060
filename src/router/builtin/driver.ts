import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readProcStat } from "../../host/proc-stat.js";
import { openPrivateAppend } from "../../state/private-files.js";
import { type RouterDriver, sumMeasures, type UpstreamRef } from "../driver.js";
import type { RouterConfig } from "../model.js";
import type { VersionMeasure } from "../traffic-control.js";
import { RouterAdminClient } from "./admin-client.js";

export interface BuiltinRouterOptions {
  /** The router's admin API socket. */
  readonly socket: string;
  /** Where the started router's `pid start-time` is kept, so a restarted agent finds it again. */
  readonly pidFile: string;
  /** The router process's stdout and stderr (its access log) are appended here. */
  readonly logFile: string;
  /** argv starting the router process (`node bin/slipway router`, or `process-main.js <config> <socket>`). */
  readonly command: readonly [string, ...string[]];
  /** Environment of the router process. Default: PATH only. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Driver of the builtin router: keeps its process running (it is the data plane: it outlives agent
 * restarts and serves its last configuration when it restarts itself) and talks to its admin API.
 */
export class BuiltinRouterDriver implements RouterDriver {
  readonly name = "builtin" as const;
  private readonly admin: RouterAdminClient;
  private last: string | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: BuiltinRouterOptions) {
    this.admin = new RouterAdminClient(options.socket);
  }

  private runningPid(): number | undefined {
    if (!existsSync(this.options.pidFile)) return undefined;
    const [pid, startTime] = readFileSync(this.options.pidFile, "utf8").trim().split(" ");
    const stat = readProcStat(Number(pid));
    if (!stat || stat.state === "Z" || stat.startTime !== startTime) return undefined;
    return Number(pid);
  }

  isDown(): boolean {
    return this.last !== undefined && this.starting === undefined && this.runningPid() === undefined;
  }

  /** Starts the router when it is not running (first start, or it crashed); one start at a time. */
  private ensureRunning(): Promise<void> {
    if (this.runningPid() !== undefined) return Promise.resolve();
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<void> {
    const log = openPrivateAppend(this.options.logFile);
    const [program, ...args] = this.options.command;
    const child = spawn(program, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: this.options.env ?? { PATH: process.env.PATH ?? "" },
    });
    child.unref();
    for (let i = 0; i < 400; i++) {
      const stat = readProcStat(child.pid!);
      if (stat && existsSync(this.options.socket)) {
        try {
          await this.admin.config();
          writeFileSync(this.options.pidFile, `${child.pid} ${stat.startTime}`, { mode: 0o600 });
          return;
        } catch {
          // not answering yet
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the router did not start (see ${this.options.logFile})`);
  }

  /** Unchanged tables (generation aside) cost nothing while the router runs. */
  async apply(config: RouterConfig): Promise<void> {
    const { generation: _generation, ...content } = config;
    const key = JSON.stringify(content);
    if (key === this.last && this.runningPid() !== undefined) return;
    await this.ensureRunning();
    await this.admin.apply(config);
    // The worker count is read when the router starts (from the configuration it just saved).
    const workers = (await this.admin.health()).workers ?? 1;
    if (workers !== (config.workers ?? 1)) {
      await this.stop();
      await this.ensureRunning();
    }
    this.last = key;
  }

  async inFlight(upstream: UpstreamRef): Promise<number> {
    try {
      const count = await this.admin.inFlight(upstream.id);
      return count.requests + count.websockets + count.connections;
    } catch {
      return 0;
    }
  }

  async measure(routeIds: readonly string[]): Promise<Record<string, VersionMeasure>> {
    const perRoute = await Promise.all(routeIds.map((id) => this.admin.stats(id).catch(() => ({}))));
    return sumMeasures(perRoute);
  }

  async resetMeasure(routeIds: readonly string[]): Promise<void> {
    for (const id of routeIds) await this.admin.resetStats(id).catch(() => undefined);
  }

  /** SIGTERM: the router closes its listeners and exits; waits up to 5 s for it to go. */
  async stop(): Promise<void> {
    const pid = this.runningPid();
    this.last = undefined;
    if (pid === undefined) return;
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 200 && readProcStat(pid) && readProcStat(pid)?.state !== "Z"; i++)
      await new Promise((r) => setTimeout(r, 25));
  }
}

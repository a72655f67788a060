import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { readProcStat } from "../host/proc-stat.js";
import { RouterAdminClient } from "../router/http/admin-client.js";
import type { RouterConfig } from "../router/model.js";
import type { SlipwayPaths } from "../state/paths.js";
import { SLIPWAY_BIN } from "./client.js";

/**
 * Keeps the builtin router process running (it is the data plane: it outlives agent restarts and
 * serves its last configuration when it restarts itself) and hands it new route tables.
 */
export class RouterController {
  readonly admin: RouterAdminClient;
  private last: string | undefined;

  constructor(private readonly paths: SlipwayPaths) {
    this.admin = new RouterAdminClient(paths.routerSocket);
  }

  private runningPid(): number | undefined {
    if (!existsSync(this.paths.routerPidFile)) return undefined;
    const [pid, startTime] = readFileSync(this.paths.routerPidFile, "utf8").trim().split(" ");
    const stat = readProcStat(Number(pid));
    if (!stat || stat.state === "Z" || stat.startTime !== startTime) return undefined;
    return Number(pid);
  }

  private starting: Promise<void> | undefined;

  /** It was given routes and its process is gone (it crashed or was killed). */
  isDown(): boolean {
    return this.last !== undefined && this.starting === undefined && this.runningPid() === undefined;
  }

  /** Starts the router when it is not running (first start, or it crashed); idempotent, one start at a time. */
  ensureRunning(): Promise<void> {
    if (this.runningPid() !== undefined) return Promise.resolve();
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<void> {
    const log = openSync(this.paths.routerLog, "a");
    const child = spawn(process.execPath, [SLIPWAY_BIN, "router"], {
      detached: true,
      stdio: ["ignore", log, log],
      env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: this.paths.home },
    });
    child.unref();
    for (let i = 0; i < 200; i++) {
      const stat = readProcStat(child.pid!);
      if (stat && existsSync(this.paths.routerSocket)) {
        try {
          await this.admin.config();
          writeFileSync(this.paths.routerPidFile, `${child.pid} ${stat.startTime}`);
          return;
        } catch {
          // not answering yet
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the router did not start (see ${this.paths.routerLog})`);
  }

  /** Applies a route table; resolves when the router serves it. Unchanged tables cost nothing. */
  async apply(config: RouterConfig): Promise<void> {
    const { generation: _generation, ...content } = config;
    const key = JSON.stringify(content);
    if (key === this.last && this.runningPid() !== undefined) return;
    await this.ensureRunning();
    await this.admin.apply(config);
    this.last = key;
  }

  /** In-flight requests and WebSockets on an instance (0 when the router does not know it). */
  async inFlight(instanceId: string): Promise<number> {
    try {
      const count = await this.admin.inFlight(instanceId);
      return count.requests + count.websockets;
    } catch {
      return 0;
    }
  }

  stop(): void {
    const pid = this.runningPid();
    if (pid !== undefined) process.kill(pid, "SIGTERM");
  }
}

import { spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readProcStat } from "../../host/proc-stat.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { openPrivateAppend } from "../../state/private-files.js";
import type { L4Config, L4Listener } from "./config.js";

/**
 * Keeps the proxy process running and tells it the current routes: the config file is replaced
 * atomically, the proxy gets SIGHUP, and `apply` returns once the proxy reports the new generation.
 */
export class ProxyController {
  private generation = Date.now();
  private last: readonly L4Listener[] | undefined;

  constructor(
    private readonly paths: SlipwayPaths,
    /** argv that starts the proxy process for `paths` (`node bin/slipway proxy`). */
    private readonly command: readonly [string, ...string[]],
  ) {}

  private runningPid(): number | undefined {
    if (!existsSync(this.paths.proxyPidFile)) return undefined;
    const [pid, startTime] = readFileSync(this.paths.proxyPidFile, "utf8").trim().split(" ").map(String);
    const stat = readProcStat(Number(pid));
    if (!stat || stat.state === "Z" || (startTime && stat.startTime !== startTime)) return undefined;
    return Number(pid);
  }

  /** It was serving listeners and its process is gone (it crashed or was killed). */
  isDown(): boolean {
    return (this.last?.length ?? 0) > 0 && this.runningPid() === undefined;
  }

  /** Starts the proxy when it is not running (first start, or it crashed); idempotent. */
  async ensureRunning(): Promise<void> {
    if (this.runningPid() !== undefined) return;
    if (!existsSync(this.paths.proxyConfig))
      this.write({ generation: this.generation, listeners: this.last ?? [] });
    const log = openPrivateAppend(this.paths.proxyLog);
    const [program, ...args] = this.command;
    const child = spawn(program, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: this.paths.home },
    });
    child.unref();
    const pid = child.pid!;
    for (let i = 0; i < 100; i++) {
      const stat = readProcStat(pid);
      if (stat) {
        writeFileSync(this.paths.proxyPidFile, `${pid} ${stat.startTime}`, { mode: 0o600 });
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.waitApplied(this.currentGeneration());
  }

  private currentGeneration(): number {
    try {
      return (JSON.parse(readFileSync(this.paths.proxyConfig, "utf8")) as L4Config).generation;
    } catch {
      return 0;
    }
  }

  private write(config: L4Config): void {
    const temporary = `${this.paths.proxyConfig}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(config), { mode: 0o600 });
    renameSync(temporary, this.paths.proxyConfig);
  }

  private async waitApplied(generation: number, timeoutMs = 5000): Promise<void> {
    const applied = `${this.paths.proxyConfig}.applied`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(applied) && Number(readFileSync(applied, "utf8")) >= generation) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Replaces the routes; resolves when the proxy serves them. Unchanged routes cost nothing. */
  async apply(listeners: readonly L4Listener[]): Promise<void> {
    if (
      this.last &&
      JSON.stringify(this.last) === JSON.stringify(listeners) &&
      this.runningPid() !== undefined
    )
      return;
    this.last = listeners;
    this.generation = Math.max(this.generation + 1, this.currentGeneration() + 1);
    this.write({ generation: this.generation, listeners });
    const pid = this.runningPid();
    if (pid === undefined) await this.ensureRunning();
    else process.kill(pid, "SIGHUP");
    await this.waitApplied(this.generation);
  }

  /** Stops the proxy (used by `slipway down` when nothing is left to serve, and by tests). */
  stop(): void {
    const pid = this.runningPid();
    if (pid !== undefined) process.kill(pid, "SIGTERM");
  }
}

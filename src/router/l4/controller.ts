import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readProcStat } from "../../host/proc-stat.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { proxyBindError } from "./bind-error.js";
import { type L4Applied, type L4Config, type L4Listener, parseApplied } from "./config.js";

/**
 * Keeps the proxy process running and tells it the current routes: the config file is replaced
 * atomically, the proxy gets SIGHUP, and `apply` returns once the proxy reports the new generation.
 */
export class ProxyController {
  private generation = Date.now();
  private last: readonly L4Listener[] | undefined;
  /** The last apply left listeners unbound: the next one retries even with unchanged routes. */
  private bindFailed = false;

  constructor(
    private readonly paths: SlipwayPaths,
    /** argv that starts the proxy process for `paths` (`node bin/slipway proxy`). */
    private readonly command: readonly [string, ...string[]],
    /** Called when a proxy this controller started dies unasked (killed, crashed): restart it at once. */
    private readonly onUnexpectedExit: () => void = () => {},
  ) {}

  /** The proxy `stop` ended on purpose: its exit is not taken for a crash. */
  private stoppedPid: number | undefined;

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
    const log = openSync(this.paths.proxyLog, "a");
    const [program, ...args] = this.command;
    const child = spawn(program, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: this.paths.home },
    });
    child.unref();
    child.once("exit", () => {
      if (child.pid !== this.stoppedPid) this.onUnexpectedExit();
    });
    const pid = child.pid!;
    for (let i = 0; i < 100; i++) {
      const stat = readProcStat(pid);
      if (stat) {
        writeFileSync(this.paths.proxyPidFile, `${pid} ${stat.startTime}`);
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
    writeFileSync(temporary, JSON.stringify(config));
    renameSync(temporary, this.paths.proxyConfig);
  }

  /** The proxy's report once it serves `generation` (undefined when it did not report in time). */
  private async waitApplied(generation: number, timeoutMs = 5000): Promise<L4Applied | undefined> {
    const file = `${this.paths.proxyConfig}.applied`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const applied = existsSync(file) ? parseApplied(readFileSync(file, "utf8")) : undefined;
      if (applied && applied.generation >= generation) return applied;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }

  /**
   * Replaces the routes; resolves when the proxy serves them. Unchanged routes cost nothing, unless
   * some listener could not bind last time (it is tried again). Throws `E_PROXY_BIND` naming each
   * address the proxy could not listen on and, where found, the process holding it.
   */
  async apply(listeners: readonly L4Listener[]): Promise<void> {
    if (listeners.length === 0) {
      // Nothing to serve (the last project went down): no process is left holding addresses.
      this.last = listeners;
      this.bindFailed = false;
      this.write({ generation: ++this.generation, listeners });
      return this.stop();
    }
    if (
      this.last &&
      !this.bindFailed &&
      JSON.stringify(this.last) === JSON.stringify(listeners) &&
      this.runningPid() !== undefined
    )
      return;
    this.last = listeners;
    // Nothing to serve and no proxy running: none is started for nothing.
    if (listeners.length === 0 && this.runningPid() === undefined) return;
    this.generation = Math.max(this.generation + 1, this.currentGeneration() + 1);
    this.write({ generation: this.generation, listeners });
    const pid = this.runningPid();
    if (pid === undefined) await this.ensureRunning();
    else process.kill(pid, "SIGHUP");
    const applied = await this.waitApplied(this.generation);
    this.bindFailed = (applied?.failures.length ?? 0) > 0;
    if (applied && this.bindFailed) throw proxyBindError(applied.failures, this.runningPid());
  }

  /** Stops the proxy and waits (up to 3 s) until it is gone: nothing is left to serve. */
  async stop(): Promise<void> {
    const pid = this.runningPid();
    if (pid === undefined) return;
    this.stoppedPid = pid;
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 150 && this.runningPid() !== undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
  }
}

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
/** PM2's CLI from the repository's devDependencies. */
const PM2_BIN = require.resolve("pm2/bin/pm2");

export interface Pm2App {
  readonly name: string;
  readonly script: string;
  readonly instances?: number;
  readonly exec_mode: "cluster" | "fork";
  readonly kill_timeout?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A PM2 daemon of its own (its own `PM2_HOME` in a temporary directory, never `~/.pm2`), for the
 * baselines of the benches. It stops the daemon it started by its PID at the end.
 */
export class Pm2Daemon {
  readonly home = mkdtempSync(join(tmpdir(), "slipway-bench-pm2-"));

  /** Runs a `pm2` command; resolves with its exit code and output (after at most `timeoutMs`). */
  run(
    args: readonly string[],
    env: Record<string, string> = {},
    timeoutMs = 300_000,
  ): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [PM2_BIN, ...args], {
        env: {
          ...process.env,
          ...env,
          PM2_HOME: this.home,
          // The app stops on SIGTERM, as under slipway (PM2's default is SIGINT).
          PM2_KILL_SIGNAL: "SIGTERM",
          PM2_DISABLE_VERSION_CHECK: "true",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
      });
      child.stderr.on("data", (chunk) => {
        output += chunk;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, output });
      });
    });
  }

  /** Starts the apps of an ecosystem file written from `apps`. */
  async start(apps: readonly Pm2App[], env: Record<string, string> = {}): Promise<void> {
    const file = join(this.home, "ecosystem.config.cjs");
    writeFileSync(file, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
    const started = await this.run(["start", file], env);
    if (started.code !== 0) throw new Error(`pm2 start failed:\n${started.output}`);
  }

  /** The daemon's PID (the God process), while it runs. */
  daemonPid(): number | undefined {
    const file = join(this.home, "pm2.pid");
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, "utf8").trim());
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** `pm2 kill`, then the daemon by its PID if it is still there; removes the home. */
  async stop(): Promise<void> {
    const pid = this.daemonPid();
    await this.run(["kill"], {}, 60_000);
    if (pid !== undefined && this.daemonPid() === pid) process.kill(pid, "SIGKILL");
    rmSync(this.home, { recursive: true, force: true });
  }
}

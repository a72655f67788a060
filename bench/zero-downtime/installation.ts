import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SLIPWAY_BIN } from "../../src/agent/client.js";

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** PIDs of live processes whose environment holds `NAME=value` (how leftovers of one home are found). */
export function pidsWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  return readdirSync("/proc").flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted) ? [pid] : [];
    } catch {
      return [];
    }
  });
}

const pidIn = (file: string): number | undefined =>
  existsSync(file) ? Number(readFileSync(file, "utf8").trim().split(" ")[0]) : undefined;

/** One throwaway slipway installation (own SLIPWAY_HOME and project directory) driven through the CLI. */
export class Installation {
  readonly root = mkdtempSync(join(tmpdir(), "slipway-bench-zdt-"));
  readonly home = join(this.root, "home");
  readonly dir = join(this.root, "project");

  /** `appFiles`: more files for the app's directory (a Dockerfile); `env`: for every CLI run (DOCKER_HOST). */
  constructor(
    appFile: string,
    compose: string,
    readonly options: {
      readonly appFiles?: Record<string, string>;
      readonly env?: Record<string, string>;
    } = {},
  ) {
    mkdirSync(join(this.dir, "app"), { recursive: true });
    cpSync(appFile, join(this.dir, "app", "server.cjs"));
    for (const [name, content] of Object.entries(options.appFiles ?? {}))
      writeFileSync(join(this.dir, "app", name), content);
    writeFileSync(join(this.dir, "compose.yaml"), compose);
  }

  /** Runs `bin/slipway` (SIGKILLed after `timeoutMs`); `onLine` sees stdout line by line. */
  cli(
    args: readonly string[],
    env: Record<string, string> = {},
    timeoutMs = 180_000,
    onLine?: (line: string) => void,
  ): Promise<CliRun> {
    const child = spawn(process.execPath, [SLIPWAY_BIN, ...args], {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/root",
        SLIPWAY_HOME: this.home,
        SLIPWAY_ROUTER_HOST: "127.0.0.1",
        ...this.options.env,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine?.(line);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    return new Promise((resolve) => {
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Stops everything this installation started (down, agent stop, then by PID), removes its files. */
  async cleanup(): Promise<void> {
    await this.cli(["down"], {}, 60_000).catch(() => undefined);
    await this.cli(["agent", "stop"], {}, 20_000).catch(() => undefined);
    // nginx's workers do not inherit SLIPWAY_HOME: its master stops them (fast shutdown).
    const nginx = pidIn(join(this.home, "nginx", "nginx.pid"));
    if (nginx) {
      try {
        process.kill(nginx, "SIGTERM");
        for (let i = 0; i < 30 && existsSync(`/proc/${nginx}`); i++)
          await new Promise((r) => setTimeout(r, 100));
      } catch {
        // gone
      }
    }
    const pids = new Set(pidsWithEnv("SLIPWAY_HOME", this.home));
    for (const file of ["router.pid", "proxy.pid", "agent.pid"]) {
      const pid = pidIn(join(this.home, file));
      if (pid) pids.add(pid);
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    rmSync(this.root, { recursive: true, force: true });
  }
}

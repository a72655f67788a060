import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RouterDriver, UpstreamRef } from "../driver.js";
import { sumMeasures } from "../driver.js";
import type { RouterConfig } from "../model.js";
import type { VersionMeasure } from "../traffic-control.js";
import { AccessLogFigures } from "./access-figures.js";
import {
  findNginx,
  MIN_NGINX_VERSION,
  type NginxBuild,
  type NginxRun,
  nginxArgs,
  nginxBuild,
  runNginx,
  versionAtLeast,
} from "./binary.js";
import { establishedOn } from "./connections.js";
import { NginxError } from "./errors.js";
import { errorsSince, fileSize, isAlive, poll, runningMaster, sendSignal, workerPids } from "./master.js";
import { firstError, retryingBind } from "./output.js";
import type { NginxPaths } from "./paths.js";
import { renderNginxConfig } from "./render.js";
import { upstreamName } from "./upstreams.js";

export interface NginxDriverOptions {
  /** Directory of this nginx instance (`-p`): nginx.conf, nginx.pid, logs/, temp/. Created if missing. */
  readonly prefix: string;
  /** Default: `nginx` on PATH, else /usr/sbin/nginx. */
  readonly binary?: string | undefined;
  /** Default 1. */
  readonly workerProcesses?: number | undefined;
  /** Workers' `user [group]` when nginx runs as root. Default nginx's own (`nobody`). */
  readonly user?: string | undefined;
  /** How long a reload may take to bring up new workers. Default 10 s. */
  readonly reloadTimeoutMs?: number | undefined;
  /** How long `stop` waits for in-flight requests before SIGTERM. Default 35 s (past the default drain). */
  readonly stopTimeoutMs?: number | undefined;
}

export interface NginxStatus {
  /** The master process is alive. */
  readonly running: boolean;
  readonly pid: number | undefined;
  /** Generation of the live config file: what nginx serves while running. */
  readonly generation: number | undefined;
  readonly configFile: string;
}

/**
 * Router driver running nginx: `apply` renders the config, has `nginx -t` check it, swaps it in
 * atomically and reloads gracefully (old workers finish their requests and WebSockets); a refused
 * config leaves the previous one serving. The master is a daemon of its own, so traffic goes on
 * while the agent restarts. Calls are serialized. Per-version figures come from nginx's JSON
 * access log; in-flight counts from the connections open at an instance's port.
 */
export class NginxDriver implements RouterDriver {
  readonly name = "nginx" as const;
  readonly paths: NginxPaths;
  readonly configFile: string;
  private queue: Promise<unknown> = Promise.resolve();
  private build: Promise<NginxBuild> | undefined;
  /** `host:port` of every upstream ever applied → its version (newest wins), to read the access log. */
  private readonly versions = new Map<string, string>();
  private readonly figures: AccessLogFigures;
  private served = false;
  private applying = false;

  constructor(private readonly options: NginxDriverOptions) {
    const prefix = options.prefix;
    this.configFile = join(prefix, "nginx.conf");
    this.paths = {
      prefix,
      pidFile: join(prefix, "nginx.pid"),
      accessLog: join(prefix, "logs", "access.log"),
      errorLog: join(prefix, "logs", "error.log"),
      tempDir: join(prefix, "temp"),
    };
    this.figures = new AccessLogFigures(this.paths.accessLog, (address) => this.versions.get(address));
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private binary(): string {
    return this.options.binary ?? findNginx();
  }

  /** Serves `config`: checked by `nginx -t`, then swapped in and reloaded, or nginx started. */
  apply(config: RouterConfig): Promise<void> {
    return this.serialized(async () => {
      this.applying = true;
      try {
        this.rememberVersions(config);
        await this.applyNow(config);
        this.served = true;
      } finally {
        this.applying = false;
      }
    });
  }

  private rememberVersions(config: RouterConfig): void {
    for (const route of config.routes)
      if (route.kind === "http")
        for (const set of route.sets)
          for (const upstream of set.upstreams)
            this.versions.set(`${upstream.host}:${upstream.port}`, set.version);
  }

  isDown(): boolean {
    return this.served && !this.applying && runningMaster(this.paths.pidFile) === undefined;
  }

  /**
   * nginx keeps no per-upstream count slipway can ask for: the connections open at the instance's
   * port are counted (old workers keep their WebSockets after a reload until the instance goes away).
   */
  async inFlight(upstream: UpstreamRef): Promise<number> {
    return establishedOn(upstream.port);
  }

  async measure(routeIds: readonly string[]): Promise<Record<string, VersionMeasure>> {
    return sumMeasures(this.figures.snapshot(routeIds.map((id) => upstreamName("http", id))));
  }

  async resetMeasure(routeIds: readonly string[]): Promise<void> {
    this.figures.reset(routeIds.map((id) => upstreamName("http", id)));
  }

  private async applyNow(config: RouterConfig): Promise<void> {
    const binary = this.binary();
    const build = await this.probe(binary);
    const needsStream = config.routes.some((route) => route.kind === "tcp");
    const text = renderNginxConfig(config, this.paths, {
      workerProcesses: this.options.workerProcesses,
      user: this.options.user,
      streamModule: needsStream ? this.streamModuleFile(build) : undefined,
    });
    // 0755: workers run as an unprivileged user and need the temp directories below the prefix.
    for (const dir of [this.paths.tempDir, dirname(this.paths.errorLog), dirname(this.paths.accessLog)])
      mkdirSync(dir, { recursive: true, mode: 0o755 });

    const candidate = `${this.configFile}.next`;
    writeFileSync(candidate, text);
    const test = await runNginx(binary, nginxArgs.test(candidate, this.paths.prefix));
    if (test.exitCode !== 0) {
      const rejected = `${this.configFile}.rejected`;
      renameSync(candidate, rejected);
      throw this.refused(config, test, rejected);
    }
    const master = runningMaster(this.paths.pidFile);
    const previous = `${this.configFile}.previous`;
    const hadLive = existsSync(this.configFile);
    if (hadLive) copyFileSync(this.configFile, previous);
    renameSync(candidate, this.configFile);
    try {
      if (master === undefined) await this.start(binary);
      else await this.reload(master, config);
    } catch (error) {
      // nginx keeps serving the old config after a failed reload (and nothing after a failed start):
      // the live file says the same.
      renameSync(this.configFile, `${this.configFile}.rejected`);
      if (hadLive) renameSync(previous, this.configFile);
      throw error;
    }
  }

  private refused(config: RouterConfig, run: NginxRun, file: string): NginxError {
    return new NginxError({
      code: "E_NGINX_CONFIG_INVALID",
      message: `nginx refused generation ${config.generation}, the previous configuration keeps serving: ${firstError(run.output)}`,
      hint: `the refused file is ${file}`,
      output: run.output,
      command: run.command,
    });
  }

  /** `nginx -V`, once: too old an nginx is `E_NGINX_MISSING`. */
  private probe(binary: string): Promise<NginxBuild> {
    this.build ??= runNginx(binary, nginxArgs.version()).then((run) => {
      const build = nginxBuild(run.output);
      if (build.version !== undefined && !versionAtLeast(build.version, MIN_NGINX_VERSION))
        throw new NginxError({
          code: "E_NGINX_MISSING",
          message: `nginx ${build.version} is too old: slipway needs nginx ${MIN_NGINX_VERSION} or later`,
          hint: "install a newer nginx (Debian 12 and Ubuntu 24.04 have one; or nginx.org's packages)",
          output: run.output,
        });
      return build;
    });
    this.build.catch(() => {
      this.build = undefined;
    });
    return this.build;
  }

  /** The `load_module` file TCP routes need, if any; `E_NGINX_STREAM_MISSING` without the module. */
  private streamModuleFile(build: NginxBuild): string | undefined {
    if (build.stream.kind === "built-in") return undefined;
    const file =
      build.stream.kind === "dynamic" ? build.stream.candidates.find((f) => existsSync(f)) : undefined;
    if (file) return file;
    throw new NginxError({
      code: "E_NGINX_STREAM_MISSING",
      message: "TCP routes need nginx's stream module, which this nginx does not have",
      hint: "apt-get install libnginx-mod-stream (or an nginx built --with-stream)",
    });
  }

  private async start(binary: string): Promise<void> {
    const run = await runNginx(binary, nginxArgs.start(this.configFile, this.paths.prefix));
    const pid = run.exitCode === 0 ? await poll(() => runningMaster(this.paths.pidFile), 5_000) : undefined;
    const ready =
      pid !== undefined && (await poll(() => (workerPids(pid).length > 0 ? true : undefined), 5_000));
    if (!ready)
      throw new NginxError({
        code: "E_NGINX_START",
        message: `nginx did not start: ${firstError(run.output) || "no master process appeared"}`,
        hint: `see ${this.paths.errorLog}`,
        output: run.output,
        command: run.command,
      });
  }

  /** SIGHUP, then wait for new workers to replace the old (success) or an error in the log (nginx kept the old config). */
  private async reload(master: number, config: RouterConfig): Promise<void> {
    const before = new Set(workerPids(master, "all"));
    const logOffset = fileSize(this.paths.errorLog);
    sendSignal(master, "SIGHUP");
    type Outcome =
      | { readonly kind: "reloaded" | "exited" }
      | { readonly kind: "refused"; readonly errors: string };
    const outcome = await poll((): Outcome | undefined => {
      // Done once only new workers accept: old ones close their listeners as they start shutting down.
      const current = workerPids(master);
      if (current.length > 0 && current.every((pid) => !before.has(pid))) return { kind: "reloaded" };
      const errors = errorsSince(this.paths.errorLog, logOffset);
      if (errors && !retryingBind(errors)) return { kind: "refused", errors };
      return isAlive(master) ? undefined : { kind: "exited" };
    }, this.options.reloadTimeoutMs ?? 10_000);
    if (outcome?.kind === "reloaded") return;
    if (outcome?.kind === "refused")
      throw new NginxError({
        code: "E_NGINX_CONFIG_INVALID",
        message: `nginx could not load generation ${config.generation}, the previous configuration keeps serving: ${firstError(outcome.errors)}`,
        hint: `see ${this.paths.errorLog}`,
        output: outcome.errors,
      });
    throw new NginxError({
      code: "E_NGINX_RELOAD",
      message: outcome
        ? "the nginx master process exited during the reload"
        : "nginx started no new workers after the reload signal",
      hint: `see ${this.paths.errorLog}`,
      output: errorsSince(this.paths.errorLog, logOffset),
    });
  }

  /** Graceful stop (SIGQUIT: requests in flight finish), then SIGTERM, then SIGKILL. */
  stop(): Promise<void> {
    return this.serialized(async () => {
      this.served = false;
      const master = runningMaster(this.paths.pidFile);
      if (master === undefined) return;
      const workers = workerPids(master, "all");
      const gone = (timeoutMs: number) => poll(() => (isAlive(master) ? undefined : true), timeoutMs);
      sendSignal(master, "SIGQUIT");
      if (await gone(this.options.stopTimeoutMs ?? 35_000)) return;
      sendSignal(master, "SIGTERM");
      if (await gone(5_000)) return;
      for (const pid of [master, ...workers]) sendSignal(pid, "SIGKILL");
      if (!(await gone(2_000)))
        throw new NginxError({ code: "E_NGINX_STOP", message: `nginx master ${master} does not exit` });
    });
  }

  status(): NginxStatus {
    const pid = runningMaster(this.paths.pidFile);
    let generation: number | undefined;
    try {
      const match = /^# slipway generation (\d+)/.exec(readFileSync(this.configFile, "utf8"));
      generation = match ? Number(match[1]) : undefined;
    } catch {
      generation = undefined;
    }
    return { running: pid !== undefined, pid, generation, configFile: this.configFile };
  }
}

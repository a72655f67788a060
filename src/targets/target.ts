/**
 * The one interface every place services run implements. Instance-level drivers (process, docker)
 * start and stop single instances while slipway's deployer and router shift traffic; orchestrator
 * drivers (swarm, kubernetes) declare `nativeRollout` and roll out a whole service themselves.
 */

/** Everything a driver needs to start one instance of a service (or one run of a job). */
export interface InstanceSpec {
  /** Unique, stable name, e.g. `botplatform.api.r7.2`. */
  readonly id: string;
  readonly project: string;
  readonly service: string;
  /** Release id this instance belongs to. */
  readonly release: string;
  /** `service` keeps running; `job` runs to completion (migrations, schedules, `slipway run`). */
  readonly kind: "service" | "job";
  /** argv; argv[0] is looked up on PATH. Never contains secrets (they travel in `env` or files). */
  readonly command: readonly string[];
  readonly cwd: string;
  /** The complete environment of the instance (nothing is inherited from the agent). */
  readonly env: Readonly<Record<string, string>>;
  /** Run as this user (name or uid[:gid]) when the agent runs as root. Default: the agent's user. */
  readonly user?: string | undefined;
  /** Default `SIGTERM`. */
  readonly stopSignal: NodeJS.Signals;
  /** Time between the stop signal and SIGKILL. Default 10 s. */
  readonly stopGracePeriodMs: number;
  /** Directory for the instance's captured stdout/stderr (`stdout.log`, `stderr.log`, rotated by size). */
  readonly logDir: string;
  /** Size bounds of the captured output, per stream (`x-slipway.logs`). Default 10 MiB × 3 files. */
  readonly logs?:
    | { readonly maxBytes?: number | undefined; readonly maxFiles?: number | undefined }
    | undefined;
  /** Resource limits, enforced where the machine allows (cgroups); otherwise the driver warns. */
  readonly limits?:
    | { readonly memoryBytes?: number; readonly cpus?: number; readonly pids?: number }
    | undefined;
  /** A hosts file the instance sees as /etc/hosts, so service names resolve as in Compose. */
  readonly hostsFile?: string | undefined;
}

/** How to find a started instance again, also after the agent restarted (PID + start time, never PID alone). */
export interface InstanceHandle {
  readonly id: string;
  readonly pid: number;
  /** Kernel start time of the process (clock ticks since boot, from /proc/PID/stat) — tells a reused PID apart. */
  readonly startTime: string;
  /** Wall-clock start, ms since epoch. */
  readonly startedAt: number;
}

export type InstanceState =
  | { readonly state: "running" }
  /** Exit code and signal are known only to the agent that started the process (null after adoption). */
  | { readonly state: "exited"; readonly exitCode: number | null; readonly signal: string | null };

/** Result of a command run to completion (a job, a health probe, `slipway run`). */
export interface ExecResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The last few KB of stdout and stderr, interleaved, for error messages. */
  readonly output: string;
}

/** What a driver can do, so the deployer knows whether to roll out itself or hand over. */
export interface TargetCapabilities {
  /** The engine rolls services out itself (swarm, kubernetes); slipway only watches. */
  readonly nativeRollout: boolean;
  /** Resource limits are enforced, not just recorded. */
  readonly enforcesLimits: boolean;
}

export interface Target {
  readonly name: string;
  readonly capabilities: TargetCapabilities;
  /** Starts an instance; resolves once the process exists (not when it is healthy). */
  start(spec: InstanceSpec): Promise<InstanceHandle>;
  /** Sends the stop signal, waits up to the grace period, then SIGKILL; resolves when it is gone. */
  stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState>;
  inspect(handle: InstanceHandle): Promise<InstanceState>;
  /** Resolves when the instance exits (immediately if it already has). */
  waitForExit(handle: InstanceHandle): Promise<InstanceState>;
  /** Runs a command "inside" a running instance's context (its env, cwd, user, hosts) — for CMD healthchecks. */
  exec(spec: InstanceSpec, argv: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Runs a job to completion (migrations, schedules, one-off commands) with the instance context of `spec`. */
  runJob(spec: InstanceSpec, timeoutMs: number): Promise<ExecResult>;
  /** Of the handles a previous agent recorded, those whose process is still the same one (PID and start time match). */
  adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]>;
}

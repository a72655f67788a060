import type { ServiceSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";
import type { ConfigFile } from "../release/config-files.js";

/**
 * The one interface every place services run implements. Instance-level drivers (process, docker)
 * start and stop single instances while slipway's deployer and router shift traffic; orchestrator
 * drivers (swarm, kubernetes) declare `nativeRollout` and roll out a whole service themselves.
 */

/**
 * One instance of a service (or one run of a job) as the deployer asks for it: the service's frozen
 * spec and the release's artifact. How that becomes a process, a container or a task is the target's.
 */
export interface InstanceRequest {
  /** Unique, stable name, e.g. `botplatform.api.r7.2` (jobs: `….migrate`, `….run`). */
  readonly id: string;
  readonly project: string;
  readonly service: string;
  /** Release id this instance belongs to. */
  readonly release: string;
  readonly index: number;
  /** `service` keeps running; `job` runs to completion (migrations, schedules, `slipway run`). */
  readonly kind: "service" | "job";
  /** The service's spec as the release froze it (environment included). */
  readonly spec: ServiceSpec;
  /** The release's artifact of this service: a built directory, or (for image services) none. */
  readonly artifact: ServiceArtifact;
  /** Where the Compose file's relative paths point. */
  readonly projectDirectory: string;
  /** The port the instance listens on; slipway's proxy and router reach it there on loopback. */
  readonly port: number;
  /** Loopback port for each other declared port, keyed by the Compose port (`PORT_<port>`). Default none. */
  readonly extraPorts?: Readonly<Record<string, number>> | undefined;
  /** Replaces the service's own command (a migration, `slipway run -- CMD`). */
  readonly command?: readonly string[] | undefined;
  /** The service's `configs:` with the release's content, each a read-only file at its target. Default none. */
  readonly configs?: readonly ConfigFile[] | undefined;
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

/** What slipway's state accounts for in a project: anything else of it that a target finds is an orphan. */
export interface KnownInstances {
  /** Instance ids the state records (running or starting). */
  readonly instances: ReadonlySet<string>;
  /** Release ids the project has. */
  readonly releases: ReadonlySet<string>;
}

/** Something running (or left) on a target under a project's name that no known instance accounts for. */
export interface Orphan {
  /** The engine's name for it (a container's name). */
  readonly name: string;
  /** The engine's id (short). */
  readonly ref: string;
  readonly service: string;
  /** The release its labels name, if any. */
  readonly release: string | undefined;
  /** `running`, `exited`, … as the engine says. */
  readonly state: string;
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
  /** Starts an instance; resolves once it exists (not when it is healthy). */
  start(request: InstanceRequest): Promise<InstanceHandle>;
  /** Sends the stop signal, waits up to the grace period, then SIGKILL; resolves when it is gone. */
  stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState>;
  inspect(handle: InstanceHandle): Promise<InstanceState>;
  /** Resolves when the instance exits (immediately if it already has). */
  waitForExit(handle: InstanceHandle): Promise<InstanceState>;
  /**
   * Runs a healthcheck command "inside" a running instance's context (its env, cwd, user, hosts);
   * the target adapts it to how the service runs there (e.g. a native `redis-cli` gets the port).
   */
  exec(request: InstanceRequest, argv: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Runs a job to completion (migrations, schedules, one-off commands) in the instance context of `request`. */
  runJob(request: InstanceRequest, timeoutMs: number): Promise<ExecResult>;
  /** Of the handles a previous agent recorded, those whose process is still the same one (PID and start time match). */
  adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]>;
  /** The last lines an instance wrote (stderr, then stdout), for error messages that show why it failed. */
  lastOutput(instance: Pick<InstanceRequest, "project" | "id">, lines?: number): Promise<string>;
  /**
   * What the target runs under a project's name that `known` does not account for (`slipway ps`).
   * A driver that finds its instances only through slipway's state (the process target) has none.
   */
  orphans?(project: string, known: KnownInstances): Promise<readonly Orphan[]>;
  /** Stops and removes those orphans (`--remove-orphans`); resolves to what it removed. */
  removeOrphans?(project: string, known: KnownInstances): Promise<readonly Orphan[]>;
}

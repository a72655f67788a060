import type { AppSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";
import type { ExecResult, InstanceRequest } from "./target.js";

/**
 * The interface of targets that run their own rollout (swarm; kubernetes next). An instance-level
 * `Target` starts and stops single instances while slipway's strategies shift traffic; an
 * orchestrator is handed a whole service of a release and the engine replaces its tasks by the
 * service's own `update_config`. slipway applies the spec, then watches the engine until it has
 * settled, and reports what the engine did (converged, paused, rolled back), never less.
 */
export interface Orchestrator {
  readonly name: string;
  /** Refuses, before anything changes, an engine that cannot run services (no swarm: E_SWARM_INACTIVE). */
  preflight(): Promise<void>;
  /** Creates the service, or updates it to `release`; resolves once the engine accepted the spec. */
  apply(request: ServiceRelease): Promise<void>;
  /** Watches the service's move to `release` until the engine settles (or `timeoutMs` passes); progress at every look. */
  watch(
    project: string,
    service: string,
    release: string,
    onProgress: (progress: RolloutProgress) => void,
    timeoutMs: number,
  ): Promise<RolloutOutcome>;
  /**
   * Runs a one-off job (a migration, a one-shot service, `slipway run`) to completion from the
   * request's release; with `push`, its image is pushed first (any node may run it).
   */
  runJob(request: InstanceRequest, timeoutMs: number, push?: ImagePush): Promise<ExecResult>;
  /** Every task of the project's services (all releases, all states the engine still keeps). */
  tasks(project: string): Promise<readonly OrchestratedTask[]>;
  /** The services of the project the engine runs, with the release each runs and its update state. */
  services(project: string): Promise<readonly OrchestratedService[]>;
  /** The last lines a service's tasks wrote (all tasks, through the engine). */
  logs(project: string, service: string, lines: number): Promise<string>;
  /**
   * Follows a service's logs through the engine: its last `tail` lines, then each new line, until
   * `signal` aborts or the service goes away. Resolves at once for a service the engine lacks.
   */
  followLogs(
    project: string,
    service: string,
    tail: number,
    onLine: (line: EngineLogLine) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /**
   * Removes one service of the project (or all of them and their leftover jobs); its tasks stop.
   * Volumes, secrets and configs stay unless `purge`.
   */
  remove(project: string, options?: { readonly service?: string; readonly purge?: boolean }): Promise<number>;
}

/** Where release images go before the engine gets a spec (`x-slipway.registry`), and who hears about it. */
export interface ImagePush {
  readonly registry: string;
  readonly onProgress: (detail: string) => void;
}

/** One service of a release, as an orchestrator is asked to run it. */
export interface ServiceRelease {
  /** The release's frozen application (its top-level configs, project directory). */
  readonly app: AppSpec;
  readonly service: string;
  readonly release: string;
  readonly artifact: ServiceArtifact;
  /** Replace the tasks even when the spec is unchanged (`restart`, finishing a paused rollback). Default false. */
  readonly force?: boolean | undefined;
  /** Hears what happens before the engine gets the spec (an image pushed to the registry). Default: nobody. */
  readonly onProgress?: ((detail: string) => void) | undefined;
}

/** A rollout as it goes: tasks of the new release running, out of the desired number, per node. */
export interface RolloutProgress {
  readonly running: number;
  readonly desired: number;
  readonly byNode: Readonly<Record<string, number>>;
  readonly updateState?: string | undefined;
}

/** How the engine settled a rollout. `output`: the failing task's last log lines. */
export type RolloutOutcome =
  | { readonly status: "converged" }
  | {
      readonly status: "paused" | "rolled-back" | "failed" | "timed-out";
      readonly message: string;
      readonly output: string;
    };

/** One line a task wrote, labelled like an instance of the other targets (`web-1`: service and slot). */
export interface EngineLogLine {
  readonly service: string;
  readonly instance: string;
  readonly stream: "stdout" | "stderr";
  /** When the task wrote it (ms since epoch, the engine's time). */
  readonly ts: number;
  readonly line: string;
}

/** A task of an orchestrated service, as `slipway ps` shows it and slipway's router reaches it. */
export interface OrchestratedTask {
  readonly id: string;
  readonly service: string;
  readonly release: string;
  /** The service revision its release runs. */
  readonly revision: string;
  readonly slot: number;
  readonly node: string;
  /** The engine's state (`running`, `starting`, `failed`, `shutdown` …) and the one it wants. */
  readonly state: string;
  readonly desiredState: string;
  readonly error?: string | undefined;
  /** Where it listens on its node (host networking), if the service has a port. */
  readonly port: number | null;
  readonly startedAt: number;
  readonly containerId?: string | undefined;
}

export interface OrchestratedService {
  readonly service: string;
  readonly release: string;
  /** The service revision (`ServiceArtifact.hash`) its spec runs. */
  readonly revision: string;
  readonly updateState?: string | undefined;
}

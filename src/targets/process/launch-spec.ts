/** How the process target starts one instance: an argv with its environment, user, limits and logs. */
export interface ProcessLaunchSpec {
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
  /** Volumes and bind mounts the instance sees at their Compose target path (app services). Default none. */
  readonly mounts?: readonly InstanceMount[] | undefined;
}

/** A host directory (or, with `file`, a file) bound at `target` in the instance's private mount namespace. */
export interface InstanceMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** A single file (a config): its target is created as an empty file to bind over, not a directory. */
  readonly file?: boolean | undefined;
}

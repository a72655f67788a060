import type { ServiceSpec } from "../../../manifest/model.js";

/** Paths of the machine the instance runs on, decided by the agent. */
export interface NativeContext {
  /** The port this instance must listen on (unique per instance). */
  readonly port: number;
  /** Host directory of each named volume the service mounts, keyed by the mount's target path. */
  readonly volumeDirs: Readonly<Record<string, string>>;
  /** A private scratch directory for this service (sockets, temporary files). */
  readonly runDir: string;
  /** Directory of the built artifact, for services with `build`. */
  readonly appDir?: string | undefined;
  /** Where relative paths of the Compose file point (used when a service has no build). */
  readonly projectDirectory: string;
}

/** How one service runs as a native process: what the process target starts for it. */
export interface NativeRunPlan {
  readonly command: readonly string[];
  readonly cwd: string;
  /** Added to the service's own environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly user?: string | undefined;
  /** Idempotent preparation before the first start (e.g. `initdb` on an empty data directory). */
  readonly prepare?: () => Promise<void>;
  /** Healthcheck commands are run with this extra environment (e.g. `PGPORT`, so `pg_isready` finds the server). */
  readonly probeEnv?: Readonly<Record<string, string>>;
  /** Rewrites a healthcheck argv for the native program (e.g. `redis-cli` gets `-p PORT`). */
  readonly adaptProbe?: (argv: readonly string[]) => readonly string[];
}

/** Turns a service into a native run plan, or explains why this service cannot run natively. */
export type NativeRunner = (service: ServiceSpec, context: NativeContext) => NativeRunPlan;

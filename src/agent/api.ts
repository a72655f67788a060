/**
 * The contract between the CLI (client) and the agent (server): JSON over HTTP on a unix socket.
 * Long operations (deploy, rollback, down) stream their events as JSON lines (`deploy/events.ts`).
 */

export interface InstanceView {
  readonly id: string;
  readonly service: string;
  readonly release: string;
  readonly state: string;
  readonly pid: number;
  readonly port: number | null;
  readonly restarts: number;
  readonly startedAt: number;
  readonly lastExitCode: number | null;
}

export interface ServiceView {
  readonly name: string;
  /** `host:port` addresses where the service is reachable from this machine. */
  readonly addresses: readonly string[];
  readonly published: readonly string[];
  readonly schedule?: string | undefined;
}

export interface PsResult {
  readonly project: string;
  readonly release: string | null;
  readonly services: readonly ServiceView[];
  readonly instances: readonly InstanceView[];
  /** What runs under the project's name on its target but no release or instance accounts for. */
  readonly orphans?: readonly OrphanView[];
  /** Why orphans could not be looked for (the target's engine did not answer). */
  readonly orphansUnknown?: string;
}

export interface OrphanView {
  readonly name: string;
  readonly ref: string;
  readonly service: string;
  readonly release: string | undefined;
  readonly state: string;
}

export interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string | undefined };
}

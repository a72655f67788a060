/**
 * The contract between the CLI (client) and the agent (server): JSON over HTTP on a unix socket.
 * Long operations (deploy, rollback, down) stream their events as JSON lines.
 */

/** One line of a deploy's live progress; `--json` prints these as they come. */
export type DeployEvent =
  | {
      readonly type: "deploy.started";
      readonly deployId: number;
      readonly release: string;
      readonly from?: string | undefined;
    }
  | {
      readonly type: "release.built";
      readonly release: string;
      readonly changed: readonly string[];
      readonly unchanged: readonly string[];
    }
  | {
      readonly type: "service";
      readonly service: string;
      readonly phase:
        | "building"
        | "built"
        | "waiting"
        | "migrating"
        | "starting"
        | "health"
        | "healthy"
        | "completed"
        | "stopping"
        | "stopped"
        | "unchanged"
        | "scheduled"
        | "failed"
        | "rolled-back"
        | "traffic"
        | "analysis"
        | "paused";
      readonly detail?: string | undefined;
    }
  | { readonly type: "log"; readonly level: "info" | "warning" | "error"; readonly message: string }
  | {
      readonly type: "deploy.finished";
      readonly status: "succeeded" | "failed" | "rolled-back";
      readonly release: string;
      readonly error?:
        | { readonly code: string; readonly message: string; readonly hint?: string | undefined }
        | undefined;
    };

/** A row of `slipway ps`. */
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
}

export interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string | undefined };
}

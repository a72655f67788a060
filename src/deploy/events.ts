import type { Plan, ServiceAction } from "../plan/model.js";

/** One line of a deploy's live progress; `--json` prints these as they come. */
export type DeployEvent =
  | {
      readonly type: "deploy.started";
      readonly deployId: number;
      readonly release: string;
      readonly from?: string | undefined;
    }
  | {
      readonly type: "service";
      readonly service: string;
      readonly phase:
        | "building"
        | "built"
        | "migrating"
        | "starting"
        | "health"
        | "healthy"
        | "completed"
        | "stopping"
        | "draining"
        | "stopped"
        | "standby"
        | "unchanged"
        | "scheduled"
        | "failed"
        | "rolled-back"
        | "traffic"
        | "analysis"
        | "paused"
        /** A release image on its way to the registry (swarm's `x-slipway.registry`). */
        | "pushing"
        /** An orchestrator's rollout as it goes: tasks running of desired, per node. */
        | "updating";
      readonly detail?: string | undefined;
    }
  /** The plan this deploy executes, before its first step. */
  | { readonly type: "plan"; readonly plan: Plan }
  /** A service's planned action begins: what it does and why. */
  | {
      readonly type: "step";
      readonly service: string;
      readonly action: ServiceAction;
      readonly reasons: readonly string[];
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

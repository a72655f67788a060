import type { AppSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";

/** An instance as the agent last saw it: enough to decide whether it still serves the release. */
export interface ObservedInstance {
  readonly id: string;
  readonly service: string;
  readonly release: string;
  /** The service revision it runs (`ServiceArtifact.hash` of its release). */
  readonly revision: string;
  readonly state: string;
  /** The process is still there (checked by the target before planning). */
  readonly alive: boolean;
}

/** What runs now: the input a Plan is computed from, next to the new release. */
export interface ObservedState {
  /** The active release, with its frozen spec and artifacts; absent on a first deploy. */
  readonly active?:
    | {
        readonly id: string;
        readonly hash: string;
        readonly spec: AppSpec;
        readonly artifacts: Readonly<Record<string, ServiceArtifact>>;
      }
    | undefined;
  readonly instances: readonly ObservedInstance[];
  /** Exit code of each one-shot service's last run. */
  readonly lastJobExit: Readonly<Record<string, number | null>>;
}

/** An empty machine: what `plan` compares with when no agent runs. */
export const NOTHING_RUNS: ObservedState = { instances: [], lastJobExit: {} };

/** What a deploy does to one service. */
export type ServiceAction =
  /** Start instances of the new revision by the service's strategy and retire the old ones. */
  | "roll-out"
  /** Same revision, but instances are missing or unhealthy: start the missing ones in place. */
  | "repair"
  /** A one-shot service (migration, seed): run it to completion. */
  | "run-job"
  /** A cron job: registered with the scheduler, nothing starts now. */
  | "schedule"
  /** Unchanged and healthy: left alone. */
  | "skip";

export type StepKind =
  | "build"
  | "push"
  | "migrate"
  | "start"
  | "shift"
  | "drain"
  | "stop"
  | "run"
  | "schedule";

/** One step of a service's part of the plan, in the order the deploy runs it. */
export interface PlanStep {
  readonly kind: StepKind;
  readonly detail: string;
}

export interface ServicePlan {
  readonly name: string;
  readonly action: ServiceAction;
  /** Why: "environment changed", "image changed", "new service", "unchanged: skipped" … */
  readonly reasons: readonly string[];
  /** The rollout strategy (roll-out and repair), else what kind of service it is. */
  readonly strategy: string;
  readonly replicas: number;
  readonly waitsFor: readonly { readonly service: string; readonly condition: string }[];
  readonly steps: readonly PlanStep[];
}

/** A deploy, computed before anything runs: what `slipway plan` prints and `slipway deploy` executes. */
export interface Plan {
  readonly project: string;
  /** Content hash of the new release; `reuses` names the active release when it is the same content. */
  readonly release: { readonly hash: string; readonly reuses?: string | undefined };
  readonly from?: string | undefined;
  /** Start levels: every service of level n waits only for services of earlier levels. */
  readonly levels: readonly (readonly ServicePlan[])[];
  /** Services that are no longer in the spec: their instances stop (data stays). */
  readonly removed: readonly { readonly service: string; readonly instances: number }[];
}

import type { AppSpec } from "../manifest/model.js";
import type { TrafficControl } from "../router/traffic-control.js";
import type { SlipwayPaths } from "../state/paths.js";
import type { StateStore } from "../state/store.js";
import type { Orchestrator } from "../targets/orchestrator.js";
import type { Target } from "../targets/target.js";
import type { DeployEvent } from "./events.js";

/** What the deployer works with: state, the target, and a way to republish routes and report progress. */
export interface DeployRuntime {
  readonly paths: SlipwayPaths;
  readonly store: StateStore;
  readonly target: Target;
  /** Recomputes the project's routes from the instances in state and waits until the proxy serves them. */
  publish(project: string): Promise<void>;
  emit(event: DeployEvent): void;
  /** The router, for strategies that shift traffic by weight (canary); absent in tests without one. */
  readonly traffic?: TrafficControl | undefined;
  /**
   * Routes are published from the active release's spec again (a failed deploy rolls back: its own
   * spec may be what the router refused, and the rollback must be able to publish).
   */
  revertSpec?(project: string): void;
  /** Waits until no request or WebSocket is left on a draining instance (or the timeout passes). */
  waitDrained?(instanceId: string, timeoutMs: number): Promise<void>;
  /**
   * The orchestrator of an application whose target runs its own rollout (swarm): its services are
   * handed to the engine whole and watched, instead of started instance by instance. Absent: none.
   */
  orchestrator?(app: AppSpec): Orchestrator | undefined;
  /** Backs up the databases that want it before the first migration of a deploy runs; absent: no backups. */
  backUpBeforeMigration?(app: AppSpec, release: string): Promise<void>;
}

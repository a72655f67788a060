import type { DeployEvent } from "../agent/api.js";
import type { SlipwayPaths } from "../agent/paths.js";
import type { StateStore } from "../state/store.js";
import type { Target } from "../targets/target.js";

/** What the deployer works with: state, the target, and a way to republish routes and report progress. */
export interface DeployRuntime {
  readonly paths: SlipwayPaths;
  readonly store: StateStore;
  readonly target: Target;
  /** Recomputes the project's routes from the instances in state and waits until the proxy serves them. */
  publish(project: string): Promise<void>;
  emit(event: DeployEvent): void;
}

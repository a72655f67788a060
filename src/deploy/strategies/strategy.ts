import type { StrategyName } from "../../manifest/model.js";
import type { ServiceChange } from "../rollout.js";
import type { DeployRuntime } from "../runtime.js";

/**
 * How a service moves from the instances it has (`change.old`) to `replicas` ready instances of
 * the new release. Every strategy leaves the old release serving when the new one fails (it
 * throws, and the deploy rolls back), drains an instance before it stops, and reports the
 * traffic split as `traffic` events.
 */
export interface Strategy {
  readonly name: StrategyName;
  rollOut(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void>;
}

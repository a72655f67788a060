import { launchReady, retireAll, type ServiceChange } from "../rollout.js";
import type { DeployRuntime } from "../runtime.js";
import type { Strategy } from "./strategy.js";

/** `recreate`: stop every old instance, then start the new ones (a short gap; for stateful services). */
export const recreate: Strategy = {
  name: "recreate",
  async rollOut(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
    await retireAll(rt, change, change.old);
    await Promise.all(Array.from({ length: replicas }, (_, index) => launchReady(rt, change, index)));
    await rt.publish(change.app.name);
  },
};

import { emitSplit, launchReady, retireAll } from "../rollout.js";
import type { Strategy } from "./strategy.js";

/** `recreate`: stop every old instance, then start the new ones (a short gap; for stateful services). */
export const recreate: Strategy = {
  name: "recreate",
  async rollOut(rt, change, replicas) {
    await retireAll(rt, change, change.old);
    await Promise.all(Array.from({ length: replicas }, (_, index) => launchReady(rt, change, index)));
    await rt.publish(change.app.name);
    emitSplit(rt, change);
  },
};

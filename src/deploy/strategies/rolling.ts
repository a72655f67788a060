import type { ServiceSpec } from "../../manifest/model.js";
import { rollingBatch } from "../../plan/rollout-steps.js";
import { DeployFailure } from "../failure.js";
import { emitSplit, launchReady, retireAll, type ServiceChange } from "../rollout.js";
import type { DeployRuntime } from "../runtime.js";
import type { Strategy } from "./strategy.js";

/** How a rolling update proceeds, from Compose `update_config` and `x-slipway.rolling`. */
export interface RollingPlan {
  /** start-first: new instances are ready and in rotation before old ones leave; stop-first: the other way round. */
  readonly order: "start-first" | "stop-first";
  /** Instances replaced at once. */
  readonly batch: number;
  /** Pause between batches. */
  readonly delayMs: number;
  /** A new instance that does not become ready: roll the deploy back, stop here (both versions keep serving), or go on without it. */
  readonly failureAction: "rollback" | "pause" | "continue";
}

/**
 * The rolling plan of a service. `x-slipway.rolling` wins: `max_surge` new instances at a time
 * (start-first), or with `max_surge: 0`, `max_unavailable` at a time (stop-first). Else Compose's
 * `update_config` (`parallelism`, 0 = all at once; `order`, default start-first here: a rollout never
 * leaves a service without an instance). Compose's `delay` and `failure_action` apply either way.
 */
export function rollingPlan(service: ServiceSpec, replicas: number): RollingPlan {
  const update = service.deploy.update_config;
  return {
    ...rollingBatch(service, replicas),
    delayMs: update?.delay?.ms ?? 0,
    failureAction: update?.failure_action ?? "rollback",
  };
}

/**
 * `rolling`: batch by batch. start-first: a batch of new instances is ready and in rotation before
 * the old ones it replaces leave rotation, drain and stop; stop-first: the old ones stop first. A
 * failed new instance rolls the deploy back, pauses the rollout (`E_DEPLOY_PAUSED`: what was
 * replaced stays replaced) or is skipped (its old instance keeps serving), as `failureAction` says.
 */
async function rollBatches(
  rt: DeployRuntime,
  change: ServiceChange,
  replicas: number,
  plan: RollingPlan,
): Promise<void> {
  const old = [...change.old].sort((a, b) => a.index - b.index);
  const steps = Math.max(replicas, old.length);
  for (let first = 0; first < steps; first += plan.batch) {
    if (first > 0 && plan.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    const indices = Array.from({ length: Math.min(plan.batch, steps - first) }, (_, i) => first + i);
    const leaving = (index: number) => old[index];
    if (plan.order === "stop-first")
      await retireAll(
        rt,
        change,
        indices.flatMap((index) => leaving(index) ?? []),
      );
    const launched = await Promise.allSettled(
      indices.map((index) =>
        index < replicas ? launchReady(rt, change, index) : Promise.resolve(undefined),
      ),
    );
    const failures = launched.flatMap((result, i) =>
      result.status === "rejected" ? [{ index: indices[i]!, error: result.reason as Error }] : [],
    );
    await rt.publish(change.app.name);
    emitSplit(rt, change);
    if (failures.length > 0 && plan.failureAction === "rollback") throw failures[0]!.error;
    if (plan.order === "start-first") {
      // The old instances whose replacements are ready leave, also in a batch that failed elsewhere.
      const failed = new Set(failures.map((f) => f.index));
      await retireAll(
        rt,
        change,
        indices.flatMap((index) => (failed.has(index) ? [] : (leaving(index) ?? []))),
      );
    }
    const [failure] = failures;
    if (failure && plan.failureAction === "pause")
      throw new DeployFailure(
        "E_DEPLOY_PAUSED",
        `the rolling update of ${change.service} stopped at instance ${failure.index + 1}: ${failure.error.message}`,
        "instances already replaced keep serving next to the old ones; `slipway deploy` again to go on, or `slipway rollback`",
      );
    for (const { index, error } of failures)
      rt.emit({
        type: "log",
        level: "warning",
        message: `${change.service} instance ${index + 1} skipped (failure_action: continue): ${error.message}`,
      });
  }
  // The split once the last old instance left.
  emitSplit(rt, change);
}

export const rolling: Strategy = {
  name: "rolling",
  rollOut(rt, change, replicas) {
    const service = change.app.services[change.service]!;
    return rollBatches(rt, change, replicas, rollingPlan(service, replicas));
  },
};

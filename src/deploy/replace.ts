import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { freePort } from "../network/ports.js";
import type { ServiceArtifact } from "../release/build.js";
import type { Instance } from "../state/index.js";
import { DeployFailure } from "./failure.js";
import { prepareInstance } from "./instance-spec.js";
import {
  drainInstance,
  handleOf,
  type LiveInstance,
  retireInstance,
  startInstance,
  waitReady,
} from "./instances.js";
import type { DeployRuntime } from "./runtime.js";

/** One service's move from the instances it has to instances of a release. */
export interface ServiceChange {
  readonly app: AppSpec;
  readonly service: string;
  readonly release: string;
  readonly artifact: ServiceArtifact;
  /** Instances of this service now running (of any release); they are retired as the new ones take over. */
  readonly old: readonly Instance[];
}

/** Starts instance `index` of the release and waits until it is ready; a failure stops it and throws. */
export async function launchReady(
  rt: DeployRuntime,
  change: ServiceChange,
  index: number,
): Promise<LiveInstance> {
  const port = await freePort();
  const prepared = prepareInstance(
    rt,
    change.app,
    change.service,
    change.artifact,
    change.release,
    index,
    port,
  );
  rt.emit({ type: "service", service: change.service, phase: "starting", detail: `instance ${index + 1}` });
  const live = await startInstance(rt, prepared, change.artifact.hash, index, port);
  rt.emit({ type: "service", service: change.service, phase: "health", detail: `instance ${index + 1}` });
  const ready = await waitReady(rt, live);
  if (!ready.ok) {
    await rt.target.stop(live.handle, "SIGKILL", 0);
    rt.store.removeInstance(prepared.spec.id);
    throw new DeployFailure(
      "E_DEPLOY_UNHEALTHY",
      ready.reason,
      `the previous release keeps serving; see \`slipway logs ${change.service}\``,
    );
  }
  rt.store.setInstanceState(prepared.spec.id, "healthy");
  return live;
}

async function retireAll(
  rt: DeployRuntime,
  change: ServiceChange,
  instances: readonly Instance[],
): Promise<void> {
  const service = change.app.services[change.service]!;
  await Promise.all(instances.map((instance) => retireInstance(rt, instance, service)));
}

/** The service's traffic split by release (each ready instance an equal share), as a deploy event. */
function emitSplit(rt: DeployRuntime, change: ServiceChange): void {
  const ready = rt.store
    .listInstances(change.app.name, { service: change.service })
    .filter((i) => i.state === "healthy");
  if (ready.length === 0) return;
  const byRelease = new Map<string, number>();
  for (const instance of ready)
    byRelease.set(instance.releaseId, (byRelease.get(instance.releaseId) ?? 0) + 1);
  const split = [...byRelease]
    .sort(([a], [b]) => (a === change.release ? -1 : b === change.release ? 1 : a.localeCompare(b)))
    .map(([release, count]) => `${Math.round((count / ready.length) * 100)}% → ${release}`)
    .join(", ");
  rt.emit({ type: "service", service: change.service, phase: "traffic", detail: split });
}

/** `recreate`: stop every old instance, then start the new ones (a short gap; for stateful services). */
export async function recreate(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
  await retireAll(rt, change, change.old);
  await Promise.all(Array.from({ length: replicas }, (_, index) => launchReady(rt, change, index)));
  await rt.publish(change.app.name);
}

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
  const surge = service["x-slipway"].rolling;
  const order = surge
    ? surge.max_surge === 0
      ? "stop-first"
      : "start-first"
    : (update?.order ?? "start-first");
  const batch = surge
    ? order === "start-first"
      ? surge.max_surge
      : Math.max(1, surge.max_unavailable)
    : update?.parallelism === 0
      ? Math.max(1, replicas)
      : (update?.parallelism ?? 1);
  return {
    order,
    batch: Math.max(1, batch),
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
export async function rolling(
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
}

/**
 * The release's own instances kept warm by an earlier switch (`standby`), when every replica is
 * there and alive: switching back to them is a router change, with no start and no health wait.
 */
async function warmColour(
  rt: DeployRuntime,
  change: ServiceChange,
  replicas: number,
): Promise<readonly Instance[] | undefined> {
  const warm = change.old.filter(
    (i) =>
      i.state === "standby" &&
      i.releaseId === change.release &&
      i.serviceHash === change.artifact.hash &&
      i.index < replicas,
  );
  if (warm.length === 0 || warm.length !== replicas) return undefined;
  const alive = await rt.target.adopt(warm.map(handleOf));
  return alive.length === replicas ? warm : undefined;
}

async function startColour(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<string[]> {
  const started: LiveInstance[] = [];
  try {
    for (let index = 0; index < replicas; index++) {
      const live = await launchReady(rt, change, index);
      // Not in rotation until the switch.
      rt.store.setInstanceState(live.prepared.spec.id, "running");
      started.push(live);
    }
  } catch (error) {
    for (const live of started) {
      await rt.target.stop(live.handle, "SIGKILL", 0);
      rt.store.removeInstance(live.prepared.spec.id);
    }
    throw error;
  }
  return started.map((live) => live.prepared.spec.id);
}

/**
 * `blue-green`: the whole new colour starts and is checked (or, when the release's colour is still
 * warm from an earlier switch, nothing starts), then one switch moves all traffic. The old colour
 * drains and stays warm on `standby` for `blue_green.keep_old` (a rollback within that window is
 * only a switch back); the supervisor stops it when the window ends. A colour older than that stops now.
 */
export async function blueGreen(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
  const service = change.app.services[change.service]!;
  const warm = await warmColour(rt, change, replicas);
  if (warm)
    rt.emit({
      type: "service",
      service: change.service,
      phase: "traffic",
      detail: `switching back to warm ${change.release}`,
    });
  const incoming = new Set(warm ? warm.map((i) => i.id) : await startColour(rt, change, replicas));
  const outgoing = change.old.filter((i) => !incoming.has(i.id));
  const serving = outgoing.filter((i) => i.state !== "standby");
  rt.store.transaction(() => {
    for (const id of incoming) rt.store.setInstanceState(id, "healthy", { standbyUntil: null });
    for (const instance of serving)
      if (instance.state === "healthy") rt.store.setInstanceState(instance.id, "draining");
  });
  await rt.publish(change.app.name);
  emitSplit(rt, change);
  const keepOldMs = service["x-slipway"].blue_green?.keep_old.ms ?? 300_000;
  const keep = keepOldMs === 0 ? [] : serving.filter((i) => i.state === "healthy");
  const stale = outgoing.filter((i) => !keep.includes(i));
  await Promise.all([
    retireAll(rt, change, stale),
    ...keep.map(async (instance) => {
      await drainInstance(rt, { ...instance, state: "draining" }, service);
      rt.store.setInstanceState(instance.id, "standby", { standbyUntil: Date.now() + keepOldMs });
    }),
  ]);
  if (keep.length > 0) await rt.publish(change.app.name);
}

import type { AppSpec } from "../manifest/model.js";
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
import { freePort } from "./ports.js";
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

/** `recreate`: stop every old instance, then start the new ones (a short gap; for stateful services). */
export async function recreate(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
  await retireAll(rt, change, change.old);
  await Promise.all(Array.from({ length: replicas }, (_, index) => launchReady(rt, change, index)));
  await rt.publish(change.app.name);
}

/**
 * `rolling`: instance by instance. start-first: the new instance is healthy and in rotation before
 * the old one leaves rotation and stops; stop-first: the old one stops first.
 */
export async function rolling(
  rt: DeployRuntime,
  change: ServiceChange,
  replicas: number,
  order: "start-first" | "stop-first",
): Promise<void> {
  const old = [...change.old].sort((a, b) => a.index - b.index);
  const steps = Math.max(replicas, old.length);
  for (let index = 0; index < steps; index++) {
    const leaving = old[index];
    if (order === "stop-first" && leaving) await retireAll(rt, change, [leaving]);
    if (index < replicas) {
      await launchReady(rt, change, index);
      await rt.publish(change.app.name);
    }
    if (order === "start-first" && leaving) await retireAll(rt, change, [leaving]);
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

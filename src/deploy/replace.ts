import type { AppSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";
import type { Instance } from "../state/index.js";
import { DeployFailure } from "./failure.js";
import { prepareInstance, stopPolicy } from "./instance-spec.js";
import { type LiveInstance, retireInstance, startInstance, waitReady } from "./instances.js";
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
  const policy = stopPolicy(change.app.services[change.service]);
  await Promise.all(instances.map((instance) => retireInstance(rt, instance, policy)));
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

/** `blue-green`: the whole new colour starts and is checked, then one switch moves all traffic, then the old colour stops. */
export async function blueGreen(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
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
  rt.store.transaction(() => {
    for (const live of started) rt.store.setInstanceState(live.prepared.spec.id, "healthy");
    for (const instance of change.old)
      if (instance.state === "healthy") rt.store.setInstanceState(instance.id, "draining");
  });
  await rt.publish(change.app.name);
  await retireAll(rt, change, change.old);
}

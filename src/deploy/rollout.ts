import type { AppSpec } from "../manifest/model.js";
import { allocateExtraPorts, freePort } from "../network/ports.js";
import type { ServiceArtifact } from "../release/build.js";
import type { Instance } from "../state/index.js";
import { DeployFailure } from "./failure.js";
import { instanceRequest, type LiveInstance, retireInstance, startInstance, waitReady } from "./instances.js";
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
  const extraPorts = await allocateExtraPorts(change.app.services[change.service]!);
  const { app, service, artifact, release } = change;
  const request = instanceRequest(app, service, artifact, release, index, port, extraPorts);
  rt.emit({ type: "service", service: change.service, phase: "starting", detail: `instance ${index + 1}` });
  const live = await startInstance(rt, request, change.artifact.hash);
  rt.emit({ type: "service", service: change.service, phase: "health", detail: `instance ${index + 1}` });
  const ready = await waitReady(rt, live);
  if (!ready.ok) {
    await rt.target.stop(live.handle, "SIGKILL", 0);
    rt.store.removeInstance(request.id);
    throw new DeployFailure(
      "E_DEPLOY_UNHEALTHY",
      ready.reason,
      `the previous release keeps serving; see \`slipway logs ${change.service}\``,
    );
  }
  rt.store.setInstanceState(request.id, "healthy");
  return live;
}

export async function retireAll(
  rt: DeployRuntime,
  change: ServiceChange,
  instances: readonly Instance[],
): Promise<void> {
  const service = change.app.services[change.service]!;
  await Promise.all(instances.map((instance) => retireInstance(rt, instance, service)));
}

/** The service's traffic split by release (each ready instance an equal share), as a deploy event. */
export function emitSplit(rt: DeployRuntime, change: ServiceChange): void {
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

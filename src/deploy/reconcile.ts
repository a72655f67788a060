import type { AppSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";
import { handleOf, retireInstance } from "./instances.js";
import { launchReady } from "./rollout.js";
import type { DeployRuntime } from "./runtime.js";

/**
 * Brings one service to exactly `replicas` live instances of the given release: missing ones (and
 * failed ones: unhealthy, crash-looping) are started and made ready first, then every other instance
 * of the service leaves rotation and stops. Idempotent; used to roll a service back, to recover after
 * an interrupted deploy and to repair a service by deploying its release again.
 */
export async function reconcileService(
  rt: DeployRuntime,
  app: AppSpec,
  serviceName: string,
  release: string,
  artifact: ServiceArtifact,
): Promise<void> {
  const service = app.services[serviceName]!;
  const replicas = service["x-slipway"].schedule ? 0 : service.deploy.replicas;
  const current = rt.store.listInstances(app.name, { service: serviceName });
  const alive = await rt.target.adopt(current.map(handleOf));
  const aliveIds = new Set(alive.map((h) => h.id));
  const keep = current.filter(
    (i) =>
      i.serviceHash === artifact.hash &&
      aliveIds.has(i.id) &&
      i.index < replicas &&
      (i.state === "healthy" || i.state === "running" || (i.state === "standby" && i.releaseId === release)),
  );
  // This release's warm blue-green colour takes traffic again as it is.
  for (const instance of keep)
    if (instance.state === "standby")
      rt.store.setInstanceState(instance.id, "healthy", { standbyUntil: null });
  for (let index = 0; index < replicas; index++) {
    if (keep.some((i) => i.index === index)) continue;
    const stale = current.find((i) => i.id === `${app.name}.${serviceName}.${release}.${index}`);
    if (stale) {
      if (aliveIds.has(stale.id)) await rt.target.stop(handleOf(stale), "SIGKILL", 0);
      rt.store.removeInstance(stale.id);
    }
    await launchReady(rt, { app, service: serviceName, release, artifact, old: [] }, index);
  }
  await rt.publish(app.name);
  const keepIds = new Set(keep.map((i) => i.id));
  const leaving = rt.store.listInstances(app.name, { service: serviceName }).filter(
    (i) =>
      !keepIds.has(i.id) &&
      !(i.releaseId === release && i.index < replicas && i.serviceHash === artifact.hash) &&
      // Another release's warm colour stays until its keep_old window ends.
      i.state !== "standby",
  );
  await Promise.all(leaving.map((i) => retireInstance(rt, i, service)));
}

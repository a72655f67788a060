import { SlipwayError } from "../errors.js";
import type { ReleaseContent } from "../release/content.js";
import { restartOnEngine } from "./engine/restart.js";
import { retireInstance } from "./instances.js";
import { reconcileService } from "./reconcile.js";
import type { DeployRuntime } from "./runtime.js";

/**
 * `slipway restart`: a service's instances (or every service's) are replaced one by one by fresh
 * processes of the same release, with its frozen values; each replacement is ready before the
 * next instance stops, so the others keep serving.
 */
export async function restartServices(
  rt: DeployRuntime,
  project: string,
  active: { readonly id: string; readonly content: ReleaseContent },
  service?: string,
): Promise<void> {
  const { spec: app, artifacts } = active.content;
  if (service && !app.services[service])
    throw new SlipwayError({
      code: "E_SERVICE_NOT_FOUND",
      message: `${project} has no service ${service}`,
      hint: `services: ${Object.keys(app.services).join(", ")}`,
    });
  const orchestrator = rt.orchestrator?.(app);
  if (orchestrator) return restartOnEngine(rt, orchestrator, project, active, service);
  for (const [name, spec] of Object.entries(app.services)) {
    if (service && name !== service) continue;
    const replaceMissing = async () => {
      if (!spec["x-slipway"].schedule) await reconcileService(rt, app, name, active.id, artifacts[name]!);
    };
    const instances = rt.store.listInstances(project, { service: name }).filter((i) => i.state !== "standby");
    for (const instance of instances) {
      // Skipped when already replaced (a replacement keeps the id of the instance it replaces).
      const current = rt.store.getInstance(instance.id);
      if (current?.pid !== instance.pid) continue;
      await retireInstance(rt, current, spec);
      await replaceMissing();
    }
    if (instances.length === 0) await replaceMissing();
  }
}

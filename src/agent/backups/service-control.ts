import { retireInstance } from "../../deploy/instances.js";
import { reconcileService } from "../../deploy/reconcile.js";
import type { DeployRuntime } from "../../deploy/runtime.js";
import type { ProjectSpecs } from "../project-specs.js";
import type { ServiceControl } from "./restore.js";

/**
 * Stops a service's instances gracefully (out of rotation first) and starts it again from the
 * active release, for a restore that replaces its data files. The caller holds the project's deploy lock.
 */
export function serviceControl(rt: DeployRuntime, specs: ProjectSpecs): ServiceControl {
  return {
    stop: async (project, service) => {
      const spec = specs.spec(project)?.services[service];
      for (const instance of rt.store.listInstances(project, { service }))
        await retireInstance(rt, instance, spec);
    },
    start: async (project, service) => {
      const active = rt.store.activeRelease(project);
      const content = active && specs.release(project, active.id);
      if (active && content?.spec.services[service])
        await reconcileService(rt, content.spec, service, active.id, content.artifacts[service]!);
      await rt.publish(project);
    },
  };
}

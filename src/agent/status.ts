import { primaryPort } from "../network/ports.js";
import type { StateStore } from "../state/index.js";
import type { PsResult } from "./api.js";
import type { ProjectSpecs } from "./project-specs.js";

/** `slipway ps`: the project's services (names, addresses, published ports, schedules) and instances. */
export function projectStatus(store: StateStore, specs: ProjectSpecs, project: string): PsResult {
  const spec = specs.spec(project);
  const addresses = specs.addresses(project);
  return {
    project,
    release: store.activeRelease(project)?.id ?? null,
    services: Object.values(spec?.services ?? {}).map((service) => {
      const port = primaryPort(service);
      return {
        name: service.name,
        addresses:
          port && addresses[service.name]
            ? [`${service.name}:${port} (${addresses[service.name]}:${port})`]
            : [],
        published: service.ports
          .filter((p) => p.published)
          .map((p) => `${p.host_ip ?? "0.0.0.0"}:${p.published}`),
        schedule: service["x-slipway"].schedule?.cron,
      };
    }),
    instances: store.listInstances(project).map((i) => ({
      id: i.id,
      service: i.service,
      release: i.releaseId,
      state: i.state,
      pid: i.pid,
      port: i.port,
      restarts: i.restarts,
      startedAt: i.startedAt,
      lastExitCode: i.lastExitCode,
    })),
  };
}

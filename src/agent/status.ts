import { primaryPort } from "../network/ports.js";
import type { StateStore } from "../state/index.js";
import type { Agent } from "./agent.js";
import type { EngineLogs, PsResult } from "./api.js";
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

/** An orchestrated project's `ps` also lists the engine's tasks (node, state, error), as the engine has them. */
export async function withEngineTasks(agent: Agent, ps: PsResult): Promise<PsResult> {
  const spec = agent.specs.spec(ps.project);
  const orchestrator = spec && agent.runtime.orchestrator?.(spec);
  if (!orchestrator) return ps;
  const tasks = await orchestrator.tasks(ps.project);
  return {
    ...ps,
    tasks: tasks.map(({ id, service, release, slot, node, state, desiredState, error, port }) => ({
      id,
      service,
      release,
      slot,
      node,
      state,
      desiredState,
      error,
      port,
    })),
  };
}

/** The last lines an orchestrated project's services wrote, read through the engine (`slipway logs`). */
export async function engineLogs(
  agent: Agent,
  project: string,
  service: string | undefined,
  tail: number,
): Promise<EngineLogs> {
  const spec = agent.specs.spec(project);
  const orchestrator = spec && agent.runtime.orchestrator?.(spec);
  if (!spec || !orchestrator) return { orchestrated: false, services: [] };
  const names = service ? [service] : Object.keys(spec.services);
  const services = await Promise.all(
    names.map(async (name) => ({
      service: name,
      lines: (await orchestrator.logs(project, name, tail)).split("\n").filter(Boolean),
    })),
  );
  return { orchestrated: true, services };
}

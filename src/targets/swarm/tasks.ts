import type Dockerode from "dockerode";
import type { OrchestratedTask } from "../orchestrator.js";
import { SWARM_LABEL } from "./names.js";
import { SLOT_TEMPLATE, slotPort } from "./ports.js";

/** A task as the Engine API lists it (the fields slipway reads). */
export interface EngineTask {
  readonly ID: string;
  readonly ServiceID: string;
  readonly NodeID?: string;
  readonly Slot?: number;
  readonly CreatedAt?: string;
  readonly DesiredState?: string;
  readonly Spec?: {
    /** The service's `ForceUpdate` counter when the task was made (`restart` bumps it). */
    readonly ForceUpdate?: number;
    readonly ContainerSpec?: {
      readonly Env?: readonly string[];
      readonly Labels?: Readonly<Record<string, string>>;
    };
  };
  readonly Status?: {
    readonly State?: string;
    readonly Err?: string;
    readonly Message?: string;
    readonly ContainerStatus?: { readonly ContainerID?: string; readonly ExitCode?: number };
  };
}

const envOf = (task: EngineTask, name: string): string | undefined =>
  task.Spec?.ContainerSpec?.Env?.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);

/** The release a task runs, from its environment (`SLIPWAY_RELEASE`). */
export const releaseOfTask = (task: EngineTask): string | undefined => envOf(task, "SLIPWAY_RELEASE");

/**
 * The port a task listens on, from its own spec's `PORT` template (`<prefix>{{.Task.Slot}}`, or a
 * global task's fixed port): each release has its own prefix, and during an update the service's
 * labels already name the new one while the old release's tasks still run.
 */
export function portOfTask(task: EngineTask): number | null {
  const template = envOf(task, "PORT");
  if (!template) return null;
  const prefix = template.endsWith(SLOT_TEMPLATE) ? template.slice(0, -SLOT_TEMPLATE.length) : undefined;
  const port = Number(prefix === undefined ? template : slotPort(Number(prefix), task.Slot ?? 0));
  return Number.isInteger(port) && port > 0 ? port : null;
}

/** Every task of one Swarm service (all states; Swarm keeps a few finished ones per slot). */
export async function serviceTasks(docker: Dockerode, serviceId: string): Promise<EngineTask[]> {
  return (await docker.listTasks({ filters: { service: [serviceId] } })) as EngineTask[];
}

/** Node ids to host names, for progress and `slipway ps`. */
export async function nodeNames(docker: Dockerode): Promise<Map<string, string>> {
  const nodes = (await docker.listNodes()) as { ID: string; Description?: { Hostname?: string } }[];
  return new Map(nodes.map((node) => [node.ID, node.Description?.Hostname ?? node.ID.slice(0, 12)]));
}

/** A task as slipway shows and routes it: its slot's port comes from the service's port prefix. */
export function taskView(
  task: EngineTask,
  service: { readonly name: string; readonly labels: Readonly<Record<string, string>> },
  nodes: ReadonlyMap<string, string>,
): OrchestratedTask {
  const slot = task.Slot ?? 0;
  return {
    id: task.ID,
    service: service.labels[SWARM_LABEL.service] ?? service.name,
    release: releaseOfTask(task) ?? service.labels[SWARM_LABEL.release] ?? "",
    revision:
      task.Spec?.ContainerSpec?.Labels?.[SWARM_LABEL.revision] ?? service.labels[SWARM_LABEL.revision] ?? "",
    slot,
    node: nodes.get(task.NodeID ?? "") ?? task.NodeID ?? "",
    state: task.Status?.State ?? "unknown",
    desiredState: task.DesiredState ?? "unknown",
    error: task.Status?.Err || undefined,
    port: portOfTask(task),
    startedAt: task.CreatedAt ? Date.parse(task.CreatedAt) : 0,
    containerId: task.Status?.ContainerStatus?.ContainerID,
  };
}

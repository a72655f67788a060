import type { InstanceRunState } from "../../state/instances.js";
import type { OrchestratedTask, Orchestrator } from "../../targets/orchestrator.js";
import type { DeployRuntime } from "../runtime.js";

/** A task's handle marker: no PID of this machine, so no instance-level call ever signals anything. */
export const TASK_HANDLE_PREFIX = "task:";

/**
 * How a task takes traffic. Running: in rotation (Swarm marks a task running only once its
 * healthcheck passed). Still running but told to stop: draining (in-flight requests finish, no new
 * ones). Starting: not yet. Anything else is gone.
 */
function routedState(task: OrchestratedTask): InstanceRunState | undefined {
  if (task.state === "running") return task.desiredState === "running" ? "healthy" : "draining";
  if (
    task.desiredState === "running" &&
    ["new", "pending", "assigned", "accepted", "preparing", "ready", "starting"].includes(task.state)
  )
    return "starting";
  return undefined;
}

/** The instance id of a task: `<project>.<service>.<release>.<slot>`, as slipway names instances. */
export const taskInstanceId = (project: string, task: OrchestratedTask): string =>
  `${project}.${task.service}.${task.release}.${task.slot}`;

/**
 * Mirrors the engine's tasks of a project into its instance rows, so slipway's router, `ps` and the
 * plan see what Swarm runs (the engine supervises the tasks; slipway only follows). Republishes the
 * routes when anything changed. Returns the tasks it saw.
 */
export async function mirrorTasks(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  project: string,
): Promise<readonly OrchestratedTask[]> {
  const tasks = await orchestrator.tasks(project);
  const wanted = new Map<string, { task: OrchestratedTask; state: InstanceRunState }>();
  for (const task of tasks) {
    const state = routedState(task);
    const id = taskInstanceId(project, task);
    // Two tasks of one slot and release (a replaced task): the live one wins.
    if (state && (!wanted.has(id) || state === "healthy")) wanted.set(id, { task, state });
  }
  let changed = false;
  for (const instance of rt.store.listInstances(project)) {
    if (wanted.has(instance.id)) continue;
    rt.store.removeInstance(instance.id);
    changed = true;
  }
  for (const [id, { task, state }] of wanted) {
    const current = rt.store.getInstance(id);
    const startTime = `${TASK_HANDLE_PREFIX}${task.id}`;
    if (current?.state === state && current.startTime === startTime && current.port === task.port) continue;
    // A task of a release this home does not know (made by hand, another home) is not slipway's to route.
    if (!rt.store.getRelease(project, task.release)) continue;
    rt.store.upsertInstance({
      id,
      project,
      service: task.service,
      releaseId: task.release,
      serviceHash: task.revision,
      index: task.slot,
      pid: 0,
      startTime,
      startedAt: task.startedAt,
      port: task.port,
      state,
      restarts: 0,
      lastExitCode: null,
    });
    changed = true;
  }
  if (changed) await rt.publish(project);
  return tasks;
}

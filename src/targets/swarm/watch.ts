import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { demuxLogs, lastLines } from "../docker/logs.js";
import type { RolloutOutcome, RolloutProgress } from "../orchestrator.js";
import { type EngineSnapshot, type Settled, settle, updateTaskEnded } from "./settle.js";
import { type EngineTask, nodeNames, serviceTasks } from "./tasks.js";

/** A service as `GET /services?status=true` lists it. */
export interface EngineService {
  readonly ID: string;
  readonly Version?: { readonly Index?: number };
  readonly Spec?: Dockerode.ServiceSpec & { Name?: string; Labels?: Record<string, string> };
  readonly UpdateStatus?: { readonly State?: string; readonly Message?: string; readonly StartedAt?: string };
  readonly ServiceStatus?: { readonly DesiredTasks?: number; readonly RunningTasks?: number };
}

/** The service named `name`, with its task counts; undefined when there is none. */
export async function findService(docker: Dockerode, name: string): Promise<EngineService | undefined> {
  const list = (await docker.listServices({ filters: { name: [name] }, status: true })) as EngineService[];
  return list.find((service) => service.Spec?.Name === name);
}

/** Probe results that say nothing about the service (the engine could not run the probe in time). */
const ENGINE_NOISE = /^(OCI runtime|Health check exceeded timeout)/;

/**
 * The healthcheck's last failing output among the containers of `tasks`: the probe's own words when
 * any container has them, else the engine's (a probe it could not run, one that timed out).
 */
async function probeOutput(docker: Dockerode, tasks: readonly EngineTask[]): Promise<string | undefined> {
  const outputs: string[] = [];
  for (const task of tasks.slice(0, 6)) {
    const id = task.Status?.ContainerStatus?.ContainerID;
    if (!id) continue;
    const info = (await docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined)) as
      | { State?: { Health?: { Log?: { ExitCode?: number; Output?: string }[] } } }
      | undefined;
    for (const entry of info?.State?.Health?.Log ?? [])
      if (entry.ExitCode !== 0 && entry.Output?.trim()) outputs.push(entry.Output.trim());
  }
  return outputs.findLast((output) => !ENGINE_NOISE.test(output)) ?? outputs.at(-1);
}

/** What failed tasks said: the healthcheck's last failing output, then the first task's last log lines. */
export async function failureOutput(
  docker: Dockerode,
  tasks: readonly EngineTask[],
  lines = 20,
): Promise<string> {
  const task = tasks[0];
  if (!task) return "";
  const parts: string[] = [];
  const probe = await probeOutput(docker, tasks);
  if (probe) parts.push(`healthcheck: ${probe}`);
  // The typings lack Task#logs, which dockerode has (GET /tasks/{id}/logs).
  const handle = docker.getTask(task.ID) as unknown as { logs(options: object): Promise<Buffer> };
  const logs = await handle.logs({ stdout: true, stderr: true, tail: lines }).catch(() => undefined);
  if (logs) {
    const text = lastLines(demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))), lines);
    if (text) parts.push(text);
  }
  return parts.join("\n");
}

/** Asks Swarm to roll the service back to its previous spec now (`docker service rollback`). */
async function startRollback(docker: Dockerode, service: EngineService): Promise<boolean> {
  await docker
    .getService(service.ID)
    .update({
      _query: { version: service.Version?.Index ?? 0, rollback: "previous" },
      _body: service.Spec,
    } as never)
    .catch(() => {});
  return true;
}

/** One look at the service: its update state and its tasks (desired count from the engine). */
async function snapshot(docker: Dockerode, service: EngineService): Promise<EngineSnapshot> {
  const mode = service.Spec?.Mode;
  return {
    updateState: service.UpdateStatus?.State,
    updateMessage: service.UpdateStatus?.Message,
    updateStartedAt: service.UpdateStatus?.StartedAt ? Date.parse(service.UpdateStatus.StartedAt) : undefined,
    forceUpdate: (service.Spec?.TaskTemplate as { ForceUpdate?: number } | undefined)?.ForceUpdate ?? 0,
    desired: service.ServiceStatus?.DesiredTasks ?? mode?.Replicated?.Replicas ?? 1,
    tasks: await serviceTasks(docker, service.ID),
  };
}

/**
 * Polls a service until its move to `release` settles: converged, paused, rolled back, failed (a
 * new service whose tasks keep failing), or `timeoutMs` passed. Progress is reported at every look.
 */
export async function watchRollout(
  docker: Dockerode,
  name: string,
  release: string,
  onProgress: (progress: RolloutProgress) => void,
  timeoutMs: number,
  intervalMs = 400,
): Promise<RolloutOutcome> {
  const deadline = Date.now() + timeoutMs;
  const nodes = await nodeNames(docker);
  let rolledBack = false;
  let verdict: Settled | undefined;
  while (Date.now() < deadline) {
    const service = await findService(docker, name);
    if (!service) return { status: "failed", message: `the service ${name} is gone`, output: "" };
    const seen = await snapshot(docker, service);
    verdict = settle(seen, release);
    if (verdict.settled) break;
    if (
      !rolledBack &&
      service.Spec?.UpdateConfig?.FailureAction === "rollback" &&
      updateTaskEnded(seen, release)
    )
      rolledBack = await startRollback(docker, service);
    const byNode = Object.fromEntries(
      Object.entries(verdict.progress.byNode).map(([id, count]) => [nodes.get(id) ?? id, count]),
    );
    onProgress({ ...verdict.progress, byNode });
    await sleep(intervalMs);
  }
  if (!verdict?.settled)
    return {
      status: "timed-out",
      message: `${name} did not settle within ${Math.round(timeoutMs / 1000)} s`,
      output: "",
    };
  if (verdict.outcome === "converged") return { status: "converged" };
  return {
    status: verdict.outcome,
    message: verdict.message,
    output: await failureOutput(docker, verdict.failedTasks ?? []),
  };
}

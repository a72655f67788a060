import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { demuxLogs, lastLines } from "../docker/logs.js";
import type { RolloutOutcome, RolloutProgress } from "../orchestrator.js";
import { type EngineSnapshot, type Settled, settle } from "./settle.js";
import { type EngineTask, nodeNames, serviceTasks } from "./tasks.js";

/** A service as `GET /services?status=true` lists it. */
export interface EngineService {
  readonly ID: string;
  readonly Version?: { readonly Index?: number };
  readonly Spec?: Dockerode.ServiceSpec & { Name?: string; Labels?: Record<string, string> };
  readonly UpdateStatus?: { readonly State?: string; readonly Message?: string };
  readonly ServiceStatus?: { readonly DesiredTasks?: number; readonly RunningTasks?: number };
}

/** The service named `name`, with its task counts; undefined when there is none. */
export async function findService(docker: Dockerode, name: string): Promise<EngineService | undefined> {
  const list = (await docker.listServices({ filters: { name: [name] }, status: true })) as EngineService[];
  return list.find((service) => service.Spec?.Name === name);
}

/** What a failed task said: its error, the healthcheck's last output, then its last log lines. */
export async function failureOutput(
  docker: Dockerode,
  task: EngineTask | undefined,
  lines = 20,
): Promise<string> {
  if (!task) return "";
  const parts: string[] = [];
  const containerId = task.Status?.ContainerStatus?.ContainerID;
  if (containerId) {
    const info = (await docker
      .getContainer(containerId)
      .inspect()
      .catch(() => undefined)) as { State?: { Health?: { Log?: { Output?: string }[] } } } | undefined;
    const probe = info?.State?.Health?.Log?.at(-1)?.Output?.trim();
    if (probe) parts.push(`healthcheck: ${probe}`);
  }
  // The typings lack Task#logs, which dockerode has (GET /tasks/{id}/logs).
  const handle = docker.getTask(task.ID) as unknown as { logs(options: object): Promise<Buffer> };
  const logs = await handle.logs({ stdout: true, stderr: true, tail: lines }).catch(() => undefined);
  if (logs) {
    const text = lastLines(demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))), lines);
    if (text) parts.push(text);
  }
  return parts.join("\n");
}

/** One look at the service: its update state and its tasks (desired count from the engine). */
async function snapshot(docker: Dockerode, service: EngineService): Promise<EngineSnapshot> {
  const mode = service.Spec?.Mode;
  return {
    updateState: service.UpdateStatus?.State,
    updateMessage: service.UpdateStatus?.Message,
    desired: service.ServiceStatus?.DesiredTasks ?? mode?.Replicated?.Replicas ?? 1,
    tasks: await serviceTasks(docker, service.ID),
  };
}

/**
 * Polls a service until its move to `release` settles: converged, paused, rolled back, failed (a
 * new service whose tasks keep failing), or `timeoutMs` passed. Progress is reported when it changes.
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
  let last = "";
  let verdict: Settled | undefined;
  while (Date.now() < deadline) {
    const service = await findService(docker, name);
    if (!service) return { status: "failed", message: `the service ${name} is gone`, output: "" };
    verdict = settle(await snapshot(docker, service), release);
    if (verdict.settled) break;
    const byNode = Object.fromEntries(
      Object.entries(verdict.progress.byNode).map(([id, count]) => [nodes.get(id) ?? id, count]),
    );
    const progress = { ...verdict.progress, byNode };
    const key = JSON.stringify(progress);
    if (key !== last) onProgress(progress);
    last = key;
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
    output: await failureOutput(docker, verdict.failedTask),
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import { engineMessage } from "../docker/engine.js";
import { demuxLogs, lastLines } from "../docker/logs.js";
import type { ImagePush } from "../orchestrator.js";
import type { ExecResult, InstanceRequest } from "../target.js";
import { isNotFound } from "./engine.js";
import { serviceImage } from "./image.js";
import { swarmJobName } from "./names.js";
import { type SwarmFileRef, swarmServiceSpec } from "./service-spec.js";
import { type EngineTask, serviceTasks } from "./tasks.js";
import { findService } from "./watch.js";

/** Task states a job's task ends in. */
const ENDED = new Set(["complete", "failed", "rejected", "shutdown", "orphaned"]);

/** What a job task wrote (its last `lines` lines), through the engine. */
async function jobOutput(docker: Dockerode, serviceId: string, lines: number): Promise<string> {
  const logs = (await docker
    .getService(serviceId)
    .logs({ stdout: true, stderr: true, tail: lines, follow: false })
    .catch(() => undefined)) as unknown as Buffer | undefined;
  if (!logs) return "";
  return lastLines(demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))), lines);
}

/**
 * Runs a one-off job (a migration, a one-shot service, `slipway run`) as a Swarm `replicated-job`
 * service from the request's release image: one task, no restarts. Resolves with its exit code and
 * last output once the task ended (or the time limit removed it); the job service is removed after.
 */
export async function runSwarmJob(
  docker: Dockerode,
  request: InstanceRequest,
  timeoutMs: number,
  resources: {
    readonly secrets: readonly SwarmFileRef[];
    readonly volumeDevice: (volume: string) => string;
    /** Push the image to the registry first (`x-slipway.registry`): the job's task may run on any node. */
    readonly push?: ImagePush | undefined;
  },
): Promise<ExecResult> {
  const kind = request.id.split(".").at(-1) ?? "run";
  const name = swarmJobName(request.project, request.service, kind, request.release);
  const leftover = await findService(docker, name);
  if (leftover) await docker.getService(leftover.ID).remove();
  const spec = swarmServiceSpec({
    project: request.project,
    release: request.release,
    revision: request.artifact.hash,
    service: request.spec,
    image: await serviceImage(docker, request, resources.push),
    portPrefix: 0,
    hosts: [],
    secrets: resources.secrets,
    configs: [],
    volumeDevice: resources.volumeDevice,
    job: { name, command: request.command, port: request.port },
  });
  let created: { id?: string; ID?: string };
  try {
    created = (await docker.createService(spec)) as { id?: string; ID?: string };
  } catch (cause) {
    throw new SlipwayError(
      { code: "E_SWARM_APPLY", message: `Swarm refused the job ${name}: ${engineMessage(cause)}` },
      { cause },
    );
  }
  const id = created.id ?? created.ID ?? name;
  const deadline = Date.now() + timeoutMs;
  let task: EngineTask | undefined;
  try {
    while (Date.now() < deadline) {
      task = (await serviceTasks(docker, id))[0];
      if (task && ENDED.has(task.Status?.State ?? "")) break;
      await sleep(300);
    }
    const state = task?.Status?.State ?? "";
    const timedOut = !ENDED.has(state);
    const output = await jobOutput(docker, id, 200);
    const exitCode = timedOut
      ? null
      : (task?.Status?.ContainerStatus?.ExitCode ?? (state === "complete" ? 0 : null));
    const error = !timedOut && state !== "complete" ? task?.Status?.Err : undefined;
    return { exitCode, signal: null, timedOut, output: [output, error].filter(Boolean).join("\n") };
  } finally {
    await docker
      .getService(id)
      .remove()
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }
}

import { constants } from "node:os";
import type Dockerode from "dockerode";
import type { InstanceHandle, InstanceState } from "../target.js";
import { statusOf } from "./engine.js";
import { isContainerHandle } from "./handles.js";
import { LABEL } from "./labels.js";

/** A container's inspect data, or undefined when the engine has no such container. */
export async function inspectContainer(
  docker: Dockerode,
  idOrName: string,
): Promise<Dockerode.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(idOrName).inspect();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The container a handle names, only if it is still that one: the full id (the handle's
 * `startTime`; the engine would also match a prefix) and the instance label both match.
 */
export async function containerOf(
  docker: Dockerode,
  handle: InstanceHandle,
): Promise<Dockerode.ContainerInspectInfo | undefined> {
  if (!isContainerHandle(handle)) return undefined;
  const info = await inspectContainer(docker, handle.startTime);
  if (!info || info.Id !== handle.startTime || info.Config.Labels?.[LABEL.instance] !== handle.id)
    return undefined;
  return info;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** A stopped container's state; an exit code above 128 is the shell's way of saying "killed by signal N". */
export function stateOf(info: Dockerode.ContainerInspectInfo | undefined): InstanceState {
  if (!info) return { state: "exited", exitCode: null, signal: null };
  if (info.State.Running) return { state: "running" };
  const code = info.State.ExitCode;
  const signal = code > 128 ? SIGNAL_NAMES.get(code - 128) : undefined;
  return signal
    ? { state: "exited", exitCode: null, signal }
    : { state: "exited", exitCode: code, signal: null };
}

/** The handle of a started container: its full id stands where a process has its kernel start time. */
export function handleOf(instanceId: string, info: Dockerode.ContainerInspectInfo): InstanceHandle {
  return {
    id: instanceId,
    pid: info.State.Pid,
    startTime: info.Id,
    startedAt: Date.parse(info.State.StartedAt),
  };
}

/** Resolves when the container is not running any more (at once if it is not). */
export async function waitNotRunning(docker: Dockerode, id: string): Promise<void> {
  try {
    await docker.getContainer(id).wait({ condition: "not-running" });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/** Exited containers of a service beyond the newest `keep` (kept so far for their logs) are removed. */
export async function pruneExited(
  docker: Dockerode,
  project: string,
  service: string,
  keep: number,
): Promise<void> {
  const exited = await docker.listContainers({
    all: true,
    filters: {
      label: [`${LABEL.project}=${project}`, `${LABEL.service}=${service}`],
      status: ["exited", "created"],
    },
  });
  const old = exited.sort((a, b) => b.Created - a.Created).slice(keep);
  await Promise.allSettled(old.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** Removes every container of a project (and its named volumes when asked): `down`, and tests' cleanup. */
export async function removeProjectContainers(
  docker: Dockerode,
  project: string,
  options: { readonly volumes: boolean },
): Promise<void> {
  const filter = { label: [`${LABEL.project}=${project}`] };
  const containers = await docker.listContainers({ all: true, filters: filter });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  if (!options.volumes) return;
  const { Volumes } = await docker.listVolumes({ filters: filter });
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove()));
}

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import { deliverSecrets, ownByGrants } from "../../secrets/deliver.js";
import { secretStoreIn } from "../../secrets/store.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { deliverConfigs } from "../config-delivery.js";
import type {
  ExecResult,
  InstanceHandle,
  InstanceRequest,
  InstanceState,
  KnownInstances,
  Orphan,
  Target,
  TargetCapabilities,
} from "../target.js";
import { containerConfig, hostEntries } from "./container-config.js";
import {
  containerOf,
  handleOf,
  inspectContainer,
  pruneExited,
  stateOf,
  waitNotRunning,
} from "./containers.js";
import { connectEngine, engineMessage, requireEngine } from "./engine.js";
import { execInContainer } from "./exec.js";
import { ensureImage } from "./image.js";
import { containerName, LABEL, volumeLabels, volumeName } from "./labels.js";
import { LogPumps } from "./log-pump.js";
import { demuxLogs, lastLines } from "./logs.js";
import { findOrphans, removeOrphans } from "./orphans.js";

export interface DockerTargetOptions {
  /** The agent's home: each project's hosts file (its services' names) is read from there. */
  readonly paths: SlipwayPaths;
}

/** Exited containers kept per service for their logs (`lastOutput`, `slipway logs`). */
const KEEP_EXITED = 5;

/**
 * Every instance a container on a Docker engine (DOCKER_HOST, else Docker's default socket), with
 * host networking so slipway's router and L4 proxy reach it on loopback exactly as a process; found
 * again after an agent restart by its id and labels.
 */
export class DockerTarget implements Target {
  readonly name = "docker";
  readonly capabilities: TargetCapabilities = { nativeRollout: false, enforcesLimits: true };
  /** Images being made, by tag: instances of one build share one build. */
  private readonly images = new Map<string, Promise<string>>();
  private readonly pumps: LogPumps;

  constructor(
    private readonly options: DockerTargetOptions,
    private readonly docker: Dockerode = connectEngine(),
  ) {
    this.pumps = new LogPumps(docker);
  }

  async start(unresolved: InstanceRequest): Promise<InstanceHandle> {
    await requireEngine(this.docker);
    // Secret references become values in the container's environment, and `secrets:` files are
    // written on the host and mounted read-only at the path their `<NAME>_FILE` variable names.
    const secretsDir = join(
      this.options.paths.run(unresolved.project, unresolved.service),
      "secrets",
      unresolved.id,
    );
    const delivered = await deliverSecrets(
      secretStoreIn(this.options.paths.home),
      unresolved.project,
      unresolved.spec,
      secretsDir,
    );
    // A container runs as its image's user: a grant's uid/gid say whose the files are.
    if (process.getuid?.() === 0) ownByGrants(delivered, secretsDir);
    const request: InstanceRequest = { ...unresolved, spec: delivered.spec };
    const image = await this.image(request);
    await this.prepareMounts(request);
    const name = containerName(request.id);
    const previous = await inspectContainer(this.docker, name);
    if (previous?.State.Running)
      throw new SlipwayError({
        code: "E_TARGET_START",
        message: `${request.id} is running already (container ${previous.Id.slice(0, 12)}); it is not started twice`,
        hint: "stop it first, or let the agent adopt it",
      });
    if (previous) await this.docker.getContainer(previous.Id).remove({ force: true });
    await pruneExited(this.docker, request.project, request.service, KEEP_EXITED);
    const hostsFile = this.options.paths.hostsFile(request.project);
    const hosts = hostEntries(
      existsSync(hostsFile) ? readFileSync(hostsFile, "utf8") : undefined,
      request.spec.extra_hosts ?? {},
    );
    const configs = deliverConfigs(
      join(this.options.paths.run(request.project, request.service), "configs", request.id),
      request.configs ?? [],
    );
    let container: Dockerode.Container | undefined;
    try {
      container = await this.docker.createContainer(
        containerConfig(request, image, hosts, delivered.files.length > 0 ? secretsDir : undefined, configs),
      );
      await container.start();
    } catch (cause) {
      await container?.remove({ force: true }).catch(() => {});
      throw new SlipwayError(
        {
          code: "E_TARGET_START",
          message: `starting ${request.id} failed: ${engineMessage(cause)}`,
          hint: "check the service's command, entrypoint and image",
        },
        { cause },
      );
    }
    this.pumps.follow(container.id, this.options.paths.logs(request.project, request.id));
    return handleOf(request.id, await container.inspect());
  }

  async stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState> {
    const info = await containerOf(this.docker, handle);
    if (!info) return stateOf(undefined);
    if (!info.State.Running) return this.retire(info.Id);
    const container = this.docker.getContainer(info.Id);
    await container.kill({ signal }).catch(() => {});
    const exited = waitNotRunning(this.docker, info.Id).then(() => "exited" as const);
    if ((await Promise.race([exited, sleep(gracePeriodMs, "grace" as const)])) === "grace") {
      await container.kill({ signal: "SIGKILL" }).catch(() => {});
      await exited;
    }
    return this.retire(info.Id);
  }

  /** A stopped container's state, once its output is in the log files; then the container is removed. */
  private async retire(id: string): Promise<InstanceState> {
    const state = stateOf(await inspectContainer(this.docker, id));
    await this.pumps.drained(id);
    await this.docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => {});
    return state;
  }

  async inspect(handle: InstanceHandle): Promise<InstanceState> {
    return stateOf(await containerOf(this.docker, handle));
  }

  async waitForExit(handle: InstanceHandle): Promise<InstanceState> {
    const info = await containerOf(this.docker, handle);
    if (!info) return stateOf(undefined);
    await waitNotRunning(this.docker, info.Id);
    return stateOf(await inspectContainer(this.docker, info.Id));
  }

  async exec(request: InstanceRequest, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const info = await inspectContainer(this.docker, containerName(request.id));
    if (!info?.State.Running)
      return { exitCode: null, signal: null, timedOut: false, output: `${request.id} is not running` };
    return execInContainer(this.docker, info.Id, argv, timeoutMs);
  }

  async runJob(request: InstanceRequest, timeoutMs: number): Promise<ExecResult> {
    const handle = await this.start(request);
    const exited = this.waitForExit(handle);
    const timedOut = (await Promise.race([exited.then(() => false), sleep(timeoutMs, true)])) === true;
    if (timedOut)
      await this.docker
        .getContainer(handle.startTime)
        .kill({ signal: "SIGKILL" })
        .catch(() => {});
    const state = await exited;
    const output = await this.lastOutput(request, 200);
    await this.retire(handle.startTime);
    return state.state === "exited"
      ? { exitCode: state.exitCode, signal: state.signal, timedOut, output }
      : { exitCode: null, signal: null, timedOut, output };
  }

  async adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]> {
    await requireEngine(this.docker);
    // Output from now on goes to the log files again; what was written meanwhile stays in the engine's log.
    const now = Math.floor(Date.now() / 1000);
    const live = await Promise.all(
      handles.map(async (handle) => {
        const info = await containerOf(this.docker, handle);
        if (!info?.State.Running) return undefined;
        const project = info.Config.Labels?.[LABEL.project] ?? "";
        this.pumps.follow(info.Id, this.options.paths.logs(project, handle.id), now);
        return handle;
      }),
    );
    return live.filter((handle) => handle !== undefined);
  }

  async lastOutput(instance: Pick<InstanceRequest, "project" | "id">, lines = 12): Promise<string> {
    const info = await inspectContainer(this.docker, containerName(instance.id));
    if (!info) return this.savedOutput(instance, lines);
    const logs = (await this.docker
      .getContainer(info.Id)
      .logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
    return lastLines(demuxLogs(logs), lines);
  }

  /** What a removed container wrote, from the log files its pump filled. */
  private savedOutput(instance: Pick<InstanceRequest, "project" | "id">, lines: number): string {
    const dir = this.options.paths.logs(instance.project, instance.id);
    const read = (name: string) =>
      existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8").split("\n").filter(Boolean) : [];
    return [...read("stderr.log"), ...read("stdout.log")].slice(-lines).join("\n");
  }

  async orphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    await requireEngine(this.docker);
    return findOrphans(this.docker, project, known);
  }

  async removeOrphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    await requireEngine(this.docker);
    return removeOrphans(this.docker, project, known);
  }

  /** One build per image tag at a time, however many instances ask for it together. */
  private image(request: InstanceRequest): Promise<string> {
    const key = `${request.project}/${request.service}/${request.artifact.buildHash ?? request.artifact.hash}`;
    let pending = this.images.get(key);
    if (!pending) {
      pending = ensureImage(this.docker, request).finally(() => this.images.delete(key));
      this.images.set(key, pending);
    }
    return pending;
  }

  /**
   * Named volumes exist, labelled with their project and bound to the project's volume directory in
   * the agent's home; bind sources exist (Compose's create_host_path).
   */
  private async prepareMounts(request: InstanceRequest): Promise<void> {
    for (const mount of request.spec.volumes) {
      if (mount.type === "bind" && mount.source && (mount.bind?.create_host_path ?? true))
        mkdirSync(mount.source, { recursive: true });
      if (mount.type === "volume" && mount.source) {
        // The volume's data lives where the process target keeps it: backups and restores find it there.
        const device = this.options.paths.volume(request.project, mount.source);
        mkdirSync(device, { recursive: true });
        await this.docker.createVolume({
          Name: volumeName(request.project, mount.source),
          Labels: volumeLabels(request.project, mount.source),
          Driver: "local",
          DriverOpts: { type: "none", o: "bind", device },
        });
      }
    }
  }
}

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import { deliverSecrets } from "../../secrets/deliver.js";
import { secretStoreIn } from "../../secrets/store.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { hostEntries } from "../docker/container-config.js";
import { connectEngine, engineMessage } from "../docker/engine.js";
import { demuxLogs, lastLines } from "../docker/logs.js";
import { registryAuth } from "../docker/registry-auth.js";
import type {
  EngineLogLine,
  ImagePush,
  OrchestratedService,
  OrchestratedTask,
  Orchestrator,
  RolloutOutcome,
  RolloutProgress,
  ServiceRelease,
} from "../orchestrator.js";
import type { ExecResult, InstanceRequest } from "../target.js";
import { requireSwarm } from "./engine.js";
import { followServiceLogs } from "./follow-logs.js";
import { serviceImage } from "./image.js";
import { runSwarmJob } from "./job.js";
import { SWARM_LABEL, swarmServiceName } from "./names.js";
import { freePrefix, requireSlots } from "./ports.js";
import { swarmConfigs, swarmSecrets } from "./resources.js";
import { swarmServiceSpec } from "./service-spec.js";
import { nodeNames, serviceTasks, taskView } from "./tasks.js";
import { type EngineService, findService, watchRollout } from "./watch.js";

/**
 * Docker Swarm as slipway's orchestrator: one Swarm service per Compose service, updated by Swarm's
 * own rolling update (`update_config`, `rollback_config`) and watched through `UpdateStatus` and
 * the tasks until the engine settles. Tasks use host networking with per-slot ports (ports.ts) so
 * slipway's router reaches them on loopback.
 */
export class SwarmOrchestrator implements Orchestrator {
  readonly name = "swarm";

  constructor(
    private readonly paths: SlipwayPaths,
    private readonly docker: Dockerode = connectEngine(),
  ) {}

  preflight(): Promise<void> {
    return requireSwarm(this.docker);
  }

  /** Services of a project (all kinds, or `kind` only), by their labels. */
  private async projectServices(project: string, kind?: "service" | "job"): Promise<EngineService[]> {
    const label = [`${SWARM_LABEL.project}=${project}`, ...(kind ? [`${SWARM_LABEL.kind}=${kind}`] : [])];
    return (await this.docker.listServices({ filters: { label }, status: true })) as EngineService[];
  }

  async apply(request: ServiceRelease): Promise<void> {
    await requireSwarm(this.docker);
    const { app, release } = request;
    const project = app.name;
    const spec = app.services[request.service]!;
    const replicas = spec.deploy.mode === "global" ? 1 : spec.deploy.replicas;
    requireSlots(spec.name, replicas);
    const name = swarmServiceName(project, spec.name);
    const existing = await findService(this.docker, name);
    const image = await serviceImage(
      this.docker,
      {
        id: `${project}.${spec.name}.${release}.0`,
        project,
        service: spec.name,
        release,
        index: 0,
        kind: "service",
        spec,
        artifact: request.artifact,
        projectDirectory: app.projectDirectory,
        port: 0,
      },
      app["x-slipway"].registry
        ? { registry: app["x-slipway"].registry, onProgress: request.onProgress ?? (() => {}) }
        : undefined,
    );
    const store = secretStoreIn(this.paths.home);
    const delivered = await deliverSecrets(store, project, spec, "/run/secrets", false);
    const labels = existing?.Spec?.Labels ?? {};
    // The same release again (a repair, or a rollback after Swarm's own): same ports, same spec.
    // Forced (a restart): fresh ports, so a start-first replacement can run beside the task it replaces.
    const prefix =
      !request.force && labels[SWARM_LABEL.release] === release && labels[SWARM_LABEL.portPrefix]
        ? Number(labels[SWARM_LABEL.portPrefix])
        : await this.freshPrefix(replicas);
    const hostsFile = this.paths.hostsFile(project);
    const serviceSpec = swarmServiceSpec({
      project,
      release,
      revision: request.artifact.hash,
      service: delivered.spec,
      image,
      portPrefix: prefix,
      hosts: hostEntries(
        existsSync(hostsFile) ? readFileSync(hostsFile, "utf8") : undefined,
        spec.extra_hosts ?? {},
      ),
      secrets: await swarmSecrets(this.docker, store, project, spec),
      configs: await swarmConfigs(this.docker, app, project, spec),
      volumeDevice: (volume) => {
        // On one node the volume's data lives where the other targets keep it (backups find it there).
        const device = this.paths.volume(project, volume);
        mkdirSync(device, { recursive: true });
        return device;
      },
    });
    if (request.force && existing) {
      const template = serviceSpec.TaskTemplate as { ForceUpdate?: number };
      const before = (existing.Spec?.TaskTemplate as { ForceUpdate?: number } | undefined)?.ForceUpdate ?? 0;
      template.ForceUpdate = before + 1;
    }
    // An image on a registry goes with its login (`--with-registry-auth`): every node can pull it.
    const auth = await registryAuth(image);
    try {
      if (existing) {
        const update = { version: existing.Version?.Index ?? 0, ...serviceSpec } as never;
        const handle = this.docker.getService(existing.ID);
        await (auth ? handle.update(auth, update) : handle.update(update));
      } else
        await (auth ? this.docker.createService(auth, serviceSpec) : this.docker.createService(serviceSpec));
    } catch (cause) {
      throw new SlipwayError(
        {
          code: "E_SWARM_APPLY",
          message: `Swarm refused the service ${name}: ${engineMessage(cause)}`,
          hint: "the previous release keeps running; check the service's deploy settings",
        },
        { cause },
      );
    }
  }

  /** A port prefix no other slipway service on this engine uses, whose ports are free now. */
  private async freshPrefix(replicas: number): Promise<number> {
    const all = (await this.docker.listServices({
      filters: { label: [`${SWARM_LABEL.managed}=true`] },
    })) as EngineService[];
    const taken = new Set(all.map((s) => Number(s.Spec?.Labels?.[SWARM_LABEL.portPrefix] ?? 0)));
    return freePrefix(replicas, taken);
  }

  watch(
    project: string,
    service: string,
    release: string,
    onProgress: (progress: RolloutProgress) => void,
    timeoutMs: number,
  ): Promise<RolloutOutcome> {
    return watchRollout(this.docker, swarmServiceName(project, service), release, onProgress, timeoutMs);
  }

  async runJob(request: InstanceRequest, timeoutMs: number, push?: ImagePush): Promise<ExecResult> {
    await requireSwarm(this.docker);
    const store = secretStoreIn(this.paths.home);
    const delivered = await deliverSecrets(store, request.project, request.spec, "/run/secrets", false);
    return runSwarmJob(this.docker, { ...request, spec: delivered.spec }, timeoutMs, {
      secrets: await swarmSecrets(this.docker, store, request.project, request.spec),
      volumeDevice: (volume) => this.paths.volume(request.project, volume),
      push,
    });
  }

  async tasks(project: string): Promise<readonly OrchestratedTask[]> {
    const services = await this.projectServices(project, "service");
    const nodes = await nodeNames(this.docker);
    const views = await Promise.all(
      services.map(async (service) => {
        const tasks = await serviceTasks(this.docker, service.ID);
        const owner = { name: service.Spec?.Name ?? "", labels: service.Spec?.Labels ?? {} };
        return tasks.map((task) => taskView(task, owner, nodes));
      }),
    );
    return views.flat().sort((a, b) => a.service.localeCompare(b.service) || a.slot - b.slot);
  }

  async services(project: string): Promise<readonly OrchestratedService[]> {
    return (await this.projectServices(project, "service")).map((service) => ({
      service: service.Spec?.Labels?.[SWARM_LABEL.service] ?? "",
      release: service.Spec?.Labels?.[SWARM_LABEL.release] ?? "",
      revision: service.Spec?.Labels?.[SWARM_LABEL.revision] ?? "",
      updateState: service.UpdateStatus?.State,
    }));
  }

  async logs(project: string, service: string, lines: number): Promise<string> {
    const found = await findService(this.docker, swarmServiceName(project, service));
    if (!found) return "";
    const logs = (await this.docker
      .getService(found.ID)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return lastLines(demuxLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))), lines);
  }

  async followLogs(
    project: string,
    service: string,
    tail: number,
    onLine: (line: EngineLogLine) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const found = await findService(this.docker, swarmServiceName(project, service));
    if (found) await followServiceLogs(this.docker, found.ID, service, tail, onLine, signal);
  }

  async remove(project: string, options: { service?: string; purge?: boolean } = {}): Promise<number> {
    const services = (await this.projectServices(project)).filter(
      (s) => options.service === undefined || s.Spec?.Labels?.[SWARM_LABEL.service] === options.service,
    );
    for (const service of services)
      await this.docker
        .getService(service.ID)
        .remove()
        .catch(() => {});
    if (options.purge) await this.purge(project);
    return services.length;
  }

  /** Secrets and configs of the project (once no task mounts them; Swarm refuses otherwise). */
  private async purge(project: string): Promise<void> {
    const filters = { label: [`${SWARM_LABEL.project}=${project}`] };
    for (const secret of (await this.docker.listSecrets({ filters })) as { ID: string }[])
      await this.docker
        .getSecret(secret.ID)
        .remove()
        .catch(() => {});
    for (const config of (await this.docker.listConfigs({ filters })) as { ID: string }[])
      await this.docker
        .getConfig(config.ID)
        .remove()
        .catch(() => {});
  }
}

import type Dockerode from "dockerode";
import type { ServiceSpec } from "../../manifest/model.js";
import type { Mount } from "../../manifest/schema/volumes.js";
import {
  healthCheck,
  placement,
  resources,
  restartPolicy,
  serviceMode,
  updateConfig,
} from "./deploy-config.js";
import { projectLabels, SWARM_LABEL, swarmServiceName } from "./names.js";
import { portTemplate } from "./ports.js";

const NS_PER_MS = 1_000_000;

/** A Swarm secret or config a task mounts as a file. */
export interface SwarmFileRef {
  readonly id: string;
  readonly name: string;
  /** Where the task sees it: a bare name lands under /run/secrets (secrets) or / (configs). */
  readonly target: string;
  readonly uid?: string | undefined;
  readonly gid?: string | undefined;
  readonly mode?: number | undefined;
}

/** Everything one Compose service's Swarm service is made from (all resolved: a pure mapping follows). */
export interface SwarmServiceInput {
  readonly project: string;
  readonly release: string;
  /** The service revision (`ServiceArtifact.hash`): unchanged revision, unchanged spec. */
  readonly revision: string;
  /** The service, its `${secret:…}` references resolved into `environment` (and `<NAME>_FILE` set). */
  readonly service: ServiceSpec;
  /** The image reference tasks run: an image id on one node, `repo@sha256:…` from a registry. */
  readonly image: string;
  /** Task ports: slot N listens on `<portPrefix>N` (ports.ts). */
  readonly portPrefix: number;
  /** `name:address` lines for the tasks' /etc/hosts (the project's service names, `extra_hosts`). */
  readonly hosts: readonly string[];
  readonly secrets: readonly SwarmFileRef[];
  readonly configs: readonly SwarmFileRef[];
  /** Host directory backing a named volume on this node (the local driver binds it). */
  readonly volumeDevice: (volume: string) => string;
  /** A one-off job (migration, `slipway run`): its own name, this command, replicated-job mode. */
  readonly job?:
    | { readonly name: string; readonly command: readonly string[] | undefined; readonly port: number }
    | undefined;
}

/** The environment of every task: the service's own, then slipway's, with the per-slot `PORT`. */
export function taskEnv(input: SwarmServiceInput): string[] {
  const { service, project, release } = input;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;
  Object.assign(env, {
    PORT: input.job
      ? String(input.job.port)
      : portTemplate(input.portPrefix, service.deploy.mode === "global"),
    HOST: "127.0.0.1",
    SLIPWAY_PROJECT: project,
    SLIPWAY_SERVICE: service.name,
    SLIPWAY_RELEASE: release,
    SLIPWAY_INSTANCE: `${project}.${service.name}.${release}.{{.Task.Slot}}`,
    SLIPWAY_SLOT: "{{.Task.Slot}}",
  });
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

/** One Compose mount as a Swarm mount; a named volume is the project's `<project>_<volume>`. */
export function swarmMount(input: SwarmServiceInput, mount: Mount): Dockerode.MountSettings | undefined {
  const base = { Target: mount.target, ReadOnly: mount.read_only };
  if (mount.type === "bind" && mount.source) return { ...base, Type: "bind", Source: mount.source };
  if (mount.type === "tmpfs")
    return {
      ...base,
      Type: "tmpfs",
      TmpfsOptions: { SizeBytes: mount.tmpfs?.size, Mode: mount.tmpfs?.mode },
    } as Dockerode.MountSettings;
  if (mount.type !== "volume") return undefined;
  if (!mount.source) return { ...base, Type: "volume" } as Dockerode.MountSettings;
  return {
    ...base,
    Type: "volume",
    Source: `${input.project}_${mount.source}`,
    VolumeOptions: {
      NoCopy: mount.volume?.nocopy ?? false,
      Labels: { ...projectLabels(input.project), "com.docker.compose.volume": mount.source },
      DriverConfig: {
        Name: "local",
        Options: { type: "none", o: "bind", device: input.volumeDevice(mount.source) },
      },
    },
  } as Dockerode.MountSettings;
}

const own = (labels: Readonly<Record<string, string | null>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(labels ?? {}).map(([key, value]) => [key, value ?? ""]));

/**
 * A Compose service as a Swarm service spec (pure: unit-tested without an engine). Tasks use host
 * networking, so slipway's router reaches slot N on loopback at `<portPrefix>N`; Swarm's own
 * rollout runs the update by `update_config` and returns by `rollback_config`.
 */
export function swarmServiceSpec(input: SwarmServiceInput): Dockerode.CreateServiceOptions {
  const { service, project, release, job } = input;
  const graceMs = service.stop_grace_period?.ms ?? 10_000;
  const labels = {
    ...own(service.deploy.labels),
    ...projectLabels(project),
    [SWARM_LABEL.service]: service.name,
    [SWARM_LABEL.release]: release,
    [SWARM_LABEL.revision]: input.revision,
    [SWARM_LABEL.kind]: job ? "job" : "service",
    [SWARM_LABEL.portPrefix]: String(input.portPrefix),
  };
  const command = job ? (job.command ?? service.command) : service.command;
  const containerSpec: Dockerode.ContainerSpec = {
    Image: input.image,
    // Release and revision on the task's own spec too: during an update the service's labels already name the new one.
    Labels: {
      ...own(service.labels),
      ...projectLabels(project),
      [SWARM_LABEL.service]: service.name,
      [SWARM_LABEL.release]: release,
      [SWARM_LABEL.revision]: input.revision,
    },
    // Compose `entrypoint` replaces the image's entrypoint (Swarm: Command); `command` its CMD (Args).
    Command: service.entrypoint ? [...service.entrypoint] : undefined,
    Args: command ? [...command] : undefined,
    Env: taskEnv(input),
    Dir: service.working_dir,
    User: service.user === undefined ? undefined : String(service.user),
    Init: service.init,
    ReadOnly: service.read_only,
    StopSignal: service.stop_signal,
    StopGracePeriod: graceMs * NS_PER_MS,
    HealthCheck: job ? undefined : healthCheck(service),
    // Swarm takes hosts(5) lines (`address name`), not Docker's `name:address`.
    Hosts: input.hosts.map((entry) => {
      const colon = entry.indexOf(":");
      return `${entry.slice(colon + 1)} ${entry.slice(0, colon)}`;
    }),
    Mounts: service.volumes.flatMap((mount) => swarmMount(input, mount) ?? []),
    Secrets: input.secrets.map((ref) => ({
      SecretID: ref.id,
      SecretName: ref.name,
      File: { Name: ref.target, UID: ref.uid ?? "0", GID: ref.gid ?? "0", Mode: ref.mode ?? 0o444 },
    })),
    Configs: input.configs.map((ref) => ({
      ConfigID: ref.id,
      ConfigName: ref.name,
      File: { Name: ref.target, UID: ref.uid ?? "0", GID: ref.gid ?? "0", Mode: ref.mode ?? 0o444 },
    })),
    CapabilityAdd: service.cap_add ? [...service.cap_add] : undefined,
    CapabilityDrop: service.cap_drop ? [...service.cap_drop] : undefined,
    Ulimits: Object.entries(service.ulimits ?? {}).map(([Name, value]) =>
      typeof value === "number"
        ? { Name, Soft: value, Hard: value }
        : { Name, Soft: value.soft, Hard: value.hard },
    ),
  };
  return {
    Name: job ? job.name : swarmServiceName(project, service.name),
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Resources: resources(service),
      RestartPolicy: job ? { Condition: "none" } : restartPolicy(service),
      Placement: placement(service),
      Networks: [{ Target: "host" }],
      LogDriver: { Name: "json-file", Options: { "max-size": "10m", "max-file": "3" } },
    },
    Mode: job ? { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } } : serviceMode(service),
    ...(job
      ? {}
      : {
          UpdateConfig: updateConfig(service.deploy.update_config, "update"),
          RollbackConfig: updateConfig(service.deploy.rollback_config, "rollback"),
        }),
  };
}

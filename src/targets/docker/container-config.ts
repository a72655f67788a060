import type Dockerode from "dockerode";
import type { Mount } from "../../manifest/schema/volumes.js";
import type { DeliveredConfig } from "../config-delivery.js";
import type { InstanceRequest } from "../target.js";
import { containerLabels, containerName, volumeLabels, volumeName } from "./labels.js";

const NS_PER_MS = 1_000_000;

/** The environment an instance sees: the frozen spec's, then slipway's own (the same as the process target's). */
export function containerEnv(request: InstanceRequest): string[] {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.spec.environment)) if (value !== null) env[key] = value;
  Object.assign(env, {
    PORT: String(request.port),
    HOST: "127.0.0.1",
    SLIPWAY_PROJECT: request.project,
    SLIPWAY_SERVICE: request.service,
    SLIPWAY_RELEASE: request.release,
    SLIPWAY_INSTANCE: request.id,
    SLIPWAY_INSTANCE_INDEX: String(request.index),
  });
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

/** Compose `healthcheck` in the Engine's form (durations in nanoseconds), so `docker ps` shows health too. */
function healthcheck(request: InstanceRequest): Dockerode.HealthConfig | undefined {
  const check = request.spec.healthcheck;
  if (!check) return undefined;
  if (check.disable) return { Test: ["NONE"] };
  if (!check.test) return undefined;
  return {
    Test: [...check.test],
    Interval: check.interval ? check.interval.ms * NS_PER_MS : undefined,
    Timeout: check.timeout ? check.timeout.ms * NS_PER_MS : undefined,
    Retries: check.retries,
    StartPeriod: check.start_period ? check.start_period.ms * NS_PER_MS : undefined,
  };
}

/** An Engine API mount (the typings require fields the API leaves optional). */
interface EngineMount {
  readonly Type: "bind" | "volume" | "tmpfs";
  readonly Target: string;
  readonly Source?: string;
  readonly ReadOnly: boolean;
  readonly TmpfsOptions?: { readonly SizeBytes?: number | undefined; readonly Mode?: number | undefined };
  readonly VolumeOptions?: { readonly NoCopy: boolean; readonly Labels: Record<string, string> };
}

/** One Compose mount as an Engine mount; named volumes become the project's Docker volumes. */
export function engineMount(project: string, mount: Mount): EngineMount | undefined {
  const base = { Target: mount.target, ReadOnly: mount.read_only };
  if (mount.type === "bind" && mount.source) return { ...base, Type: "bind", Source: mount.source };
  if (mount.type === "tmpfs")
    return {
      ...base,
      Type: "tmpfs",
      TmpfsOptions: { SizeBytes: mount.tmpfs?.size, Mode: mount.tmpfs?.mode },
    };
  if (mount.type !== "volume") return undefined;
  if (!mount.source) return { ...base, Type: "volume" };
  return {
    ...base,
    Type: "volume",
    Source: volumeName(project, mount.source),
    VolumeOptions: { NoCopy: mount.volume?.nocopy ?? false, Labels: volumeLabels(project, mount.source) },
  };
}

/** `name:address` entries for /etc/hosts: the project's service names (from its hosts file), then `extra_hosts`. */
export function hostEntries(
  hostsFile: string | undefined,
  extraHosts: Readonly<Record<string, string>>,
): string[] {
  const entries: string[] = [];
  for (const line of (hostsFile ?? "").split("\n")) {
    const [address, ...names] = line.trim().split(/\s+/);
    if (!address || address.startsWith("#") || address === "::1") continue;
    for (const name of names) if (name !== "localhost") entries.push(`${name}:${address}`);
  }
  for (const [name, addresses] of Object.entries(extraHosts))
    for (const address of addresses.split(",")) entries.push(`${name}:${address}`);
  return entries;
}

/**
 * The container of one instance (pure: tested without an engine). Host networking, so the router and
 * the L4 proxy reach it on loopback at its port; no restart policy, since slipway's agent supervises.
 */
export function containerConfig(
  request: InstanceRequest,
  image: string,
  hosts: readonly string[],
  /** The host directory of the instance's delivered secret files, mounted read-only at the same path. */
  secretsDir?: string,
  /** The instance's config files, each bound read-only at its target. */
  configs: readonly DeliveredConfig[] = [],
): Dockerode.ContainerCreateOptions {
  const { spec } = request;
  const limits = spec.deploy.resources?.limits;
  const memory = limits?.memory ?? spec.mem_limit;
  const cpus = limits?.cpus ?? spec.cpus;
  const command = request.command ?? spec.command ?? undefined;
  const graceMs = spec.stop_grace_period?.ms ?? 10_000;
  return {
    name: containerName(request.id),
    Image: image,
    Cmd: command ? [...command] : undefined,
    Entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
    Env: containerEnv(request),
    User: spec.user !== undefined ? String(spec.user) : undefined,
    WorkingDir: spec.working_dir,
    Labels: containerLabels(request),
    StopSignal: spec.stop_signal,
    StopTimeout: Math.ceil(graceMs / 1000),
    Healthcheck: healthcheck(request),
    Tty: false,
    AttachStdin: false,
    HostConfig: {
      NetworkMode: "host",
      ExtraHosts: [...hosts],
      RestartPolicy: { Name: "no" },
      Init: spec.init,
      Mounts: [
        ...spec.volumes.flatMap((mount) => engineMount(request.project, mount) ?? []),
        ...(secretsDir ? [{ Type: "bind", Source: secretsDir, Target: secretsDir, ReadOnly: true }] : []),
        ...configs.map(({ source, target }) => ({
          Type: "bind",
          Source: source,
          Target: target,
          ReadOnly: true,
        })),
      ] as Dockerode.MountConfig,
      Memory: memory !== undefined ? Number(memory) : undefined,
      NanoCpus: cpus !== undefined ? Math.round(Number(cpus) * 1e9) : undefined,
      PidsLimit: limits?.pids ?? spec.pids_limit,
      Ulimits: Object.entries(spec.ulimits ?? {}).map(([Name, value]) =>
        typeof value === "number"
          ? { Name, Soft: value, Hard: value }
          : { Name, Soft: value.soft, Hard: value.hard },
      ),
      ShmSize: spec.shm_size,
      CapAdd: spec.cap_add ? [...spec.cap_add] : undefined,
      CapDrop: spec.cap_drop ? [...spec.cap_drop] : undefined,
      ReadonlyRootfs: spec.read_only,
      // Rotated, and readable through the API: `lastOutput` and `slipway logs` read it.
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
    },
  };
}

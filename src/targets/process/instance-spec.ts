import { existsSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { readRegularFile } from "../../host/read-regular-file.js";
import { nodeSignal } from "../../host/signals.js";
import { parseEnvFile } from "../../manifest/env-file.js";
import type { ServiceSpec } from "../../manifest/model.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { configPaths } from "../config-delivery.js";
import type { InstanceRequest } from "../target.js";
import type { InstanceMount, ProcessLaunchSpec } from "./launch-spec.js";
import { runApp } from "./native/app.js";
import { nativeRunnerFor } from "./native/resolve.js";
import type { NativeRunPlan } from "./native/runner.js";

/** An instance as the process target runs it: the argv launch and the native runner's plan. */
export interface ProcessLaunch {
  readonly spec: ProcessLaunchSpec;
  readonly plan: NativeRunPlan;
  /** Directories the instance works in (volumes, app): a service user must reach them. */
  readonly ownDirs: readonly string[];
  /** Its run directory: a service user also enters it (sockets, data, secrets below it). */
  readonly runDir: string;
}

/**
 * `environment` of the frozen spec. Releases made before env files were frozen into it still
 * name their `env_file`s: those are read as they are now (later files win, `environment` on top).
 */
function serviceEnvironment(service: ServiceSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of service.env_file) {
    let text: string;
    try {
      text = readRegularFile(file.path);
    } catch {
      continue; // missing, or a FIFO that would block: such a release was frozen before freezing refused it
    }
    for (const [key, value] of parseEnvFile(text, () => undefined).vars) env[key] = value;
  }
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;
  return env;
}

function volumeDirs(paths: SlipwayPaths, request: InstanceRequest): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const mount of request.spec.volumes) {
    if (mount.type === "volume" && mount.source)
      dirs[mount.target] = paths.volume(request.project, mount.source);
    if (mount.type === "bind" && mount.source) dirs[mount.target] = mount.source;
  }
  return dirs;
}

/**
 * Volumes and bind mounts of an app service, to be bound at their Compose target path. Databases
 * get theirs through the native runner (their data directory), so they need none.
 */
function appMounts(paths: SlipwayPaths, request: InstanceRequest): InstanceMount[] {
  if (nativeRunnerFor(request.spec) !== runApp) return [];
  const volumes = request.spec.volumes.flatMap((mount) => {
    if (!mount.source || (mount.type !== "volume" && mount.type !== "bind")) return [];
    const source = mount.type === "volume" ? paths.volume(request.project, mount.source) : mount.source;
    if (mount.type === "volume") mkdirSync(source, { recursive: true });
    return [{ source, target: mount.target, readOnly: mount.read_only }];
  });
  // Configs: under the run directory (written at start, not here), each bound read-only over its target.
  const configs = configPaths(configDir(paths, request), request.configs ?? []).map(({ source, target }) => ({
    source,
    target,
    readOnly: true,
    file: true,
  }));
  return [...volumes, ...configs];
}

/** Where an instance's config files live on the host. */
export const configDir = (paths: SlipwayPaths, request: InstanceRequest): string =>
  join(paths.run(request.project, request.service), "configs", request.id);

/** The argv launch of one instance: command from the native runner, environment, user, limits, logs, hosts. */
export function launchFor(paths: SlipwayPaths, request: InstanceRequest): ProcessLaunch {
  const { spec: service, project, port } = request;
  const volumes = volumeDirs(paths, request);
  const plan = nativeRunnerFor(service)(service, {
    port,
    volumeDirs: volumes,
    runDir: paths.run(project, request.service),
    appDir: request.artifact.appDir,
    projectDirectory: request.projectDirectory,
  });
  const limits = service.deploy.resources?.limits;
  const memory = limits?.memory ?? service.mem_limit;
  const cpus = limits?.cpus ?? service.cpus;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    LANG: process.env.LANG ?? "C.UTF-8",
    HOSTNAME: hostname(),
    ...serviceEnvironment(service),
    ...plan.env,
    PORT: String(port),
    ...Object.fromEntries(
      Object.entries(request.extraPorts ?? {}).map(([p, at]) => [`PORT_${p}`, String(at)]),
    ),
    HOST: "127.0.0.1",
    SLIPWAY_PROJECT: project,
    SLIPWAY_SERVICE: request.service,
    SLIPWAY_RELEASE: request.release,
    SLIPWAY_INSTANCE: request.id,
    SLIPWAY_INSTANCE_INDEX: String(request.index),
  };
  return {
    plan,
    ownDirs: [...Object.values(volumes), request.artifact.appDir ?? plan.cwd],
    runDir: paths.run(project, request.service),
    spec: {
      id: request.id,
      project,
      service: request.service,
      release: request.release,
      kind: request.kind,
      command: request.command ?? plan.command,
      cwd: plan.cwd,
      env,
      user: plan.user ?? (service.user !== undefined ? String(service.user) : undefined),
      stopSignal: nodeSignal(service.stop_signal),
      stopGracePeriodMs: service.stop_grace_period?.ms ?? 10_000,
      logDir: paths.logs(project, request.id),
      logs: { maxBytes: service["x-slipway"].logs?.max_size, maxFiles: service["x-slipway"].logs?.max_files },
      limits:
        memory !== undefined || cpus !== undefined || limits?.pids !== undefined
          ? { memoryBytes: memory, cpus, pids: limits?.pids }
          : undefined,
      // Written by the agent before a project's first instance starts; absent, names are not mapped.
      hostsFile: existsSync(paths.hostsFile(project)) ? paths.hostsFile(project) : undefined,
      mounts: appMounts(paths, request),
    },
  };
}

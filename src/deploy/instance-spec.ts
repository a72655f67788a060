import { existsSync, readFileSync } from "node:fs";
import { constants, hostname } from "node:os";
import { SlipwayError } from "../errors.js";
import { parseEnvFile } from "../manifest/env-file.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import type { ServiceArtifact } from "../release/build.js";
import { nativeRunnerFor } from "../targets/native/resolve.js";
import type { NativeRunPlan } from "../targets/native/runner.js";
import type { InstanceSpec } from "../targets/target.js";
import type { DeployRuntime } from "./runtime.js";

/** Everything needed to start (or restart) one instance of a service from a release. */
export interface PreparedInstance {
  readonly spec: InstanceSpec;
  readonly plan: NativeRunPlan;
  readonly service: ServiceSpec;
}

export const instanceId = (project: string, service: string, release: string, index: number) =>
  `${project}.${service}.${release}.${index}`;

/** `env_file` contents (later files win), then `environment` on top, as Compose does. */
function serviceEnvironment(service: ServiceSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of service.env_file) {
    if (!existsSync(file.path)) {
      if (!file.required) continue;
      throw new SlipwayError({
        code: "E_ENV_FILE_MISSING",
        message: `service ${service.name}: env_file ${file.path} does not exist`,
        hint: "create it, or mark it `required: false`",
      });
    }
    for (const [key, value] of parseEnvFile(readFileSync(file.path, "utf8"), () => undefined).vars)
      env[key] = value;
  }
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;
  return env;
}

/** The service's `stop_signal` as a Node signal name (default SIGTERM). */
export function stopSignal(service: ServiceSpec): NodeJS.Signals {
  const name = service.stop_signal?.toUpperCase();
  const normalized = name && !name.startsWith("SIG") ? `SIG${name}` : name;
  return normalized && normalized in constants.signals ? (normalized as NodeJS.Signals) : "SIGTERM";
}

/** How an instance of a service leaves: drained for `drain_timeout`, then its stop signal, then SIGKILL after the grace period. */
export interface StopPolicy {
  readonly signal: NodeJS.Signals;
  /** `stop_grace_period`. Default 10 s. */
  readonly graceMs: number;
  /** `x-slipway.drain_timeout`: how long in-flight requests and WebSockets get. Default 30 s. */
  readonly drainTimeoutMs: number;
}

export function stopPolicy(service: ServiceSpec | undefined): StopPolicy {
  return {
    signal: service ? stopSignal(service) : "SIGTERM",
    graceMs: service?.stop_grace_period?.ms ?? 10_000,
    drainTimeoutMs: service?.["x-slipway"].drain_timeout.ms ?? 30_000,
  };
}

function volumeDirs(rt: DeployRuntime, app: AppSpec, service: ServiceSpec): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const mount of service.volumes) {
    if (mount.type === "volume" && mount.source) dirs[mount.target] = rt.paths.volume(app.name, mount.source);
    if (mount.type === "bind" && mount.source) dirs[mount.target] = mount.source;
  }
  return dirs;
}

/** Builds the InstanceSpec of one instance: command from the native runner, environment, limits, stop settings. */
export function prepareInstance(
  rt: DeployRuntime,
  app: AppSpec,
  serviceName: string,
  artifact: ServiceArtifact,
  release: string,
  index: number,
  port: number,
  kind: InstanceSpec["kind"] = "service",
): PreparedInstance {
  const service = app.services[serviceName]!;
  const id = instanceId(app.name, serviceName, release, index);
  const plan = nativeRunnerFor(service)(service, {
    port,
    volumeDirs: volumeDirs(rt, app, service),
    runDir: rt.paths.run(app.name, serviceName),
    appDir: artifact.appDir,
    projectDirectory: app.projectDirectory,
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
    HOST: "127.0.0.1",
    SLIPWAY_PROJECT: app.name,
    SLIPWAY_SERVICE: serviceName,
    SLIPWAY_RELEASE: release,
    SLIPWAY_INSTANCE: id,
    SLIPWAY_INSTANCE_INDEX: String(index),
  };
  return {
    service,
    plan,
    spec: {
      id,
      project: app.name,
      service: serviceName,
      release,
      kind,
      command: plan.command,
      cwd: plan.cwd,
      env,
      user: plan.user ?? (service.user !== undefined ? String(service.user) : undefined),
      stopSignal: stopSignal(service),
      stopGracePeriodMs: service.stop_grace_period?.ms ?? 10_000,
      logDir: rt.paths.logs(app.name, id),
      logs: { maxBytes: service["x-slipway"].logs?.max_size, maxFiles: service["x-slipway"].logs?.max_files },
      limits:
        memory !== undefined || cpus !== undefined || limits?.pids !== undefined
          ? { memoryBytes: memory, cpus, pids: limits?.pids }
          : undefined,
      hostsFile: rt.paths.hostsFile(app.name),
    },
  };
}

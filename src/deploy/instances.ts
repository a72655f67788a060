import { healthConfigFromHealthcheck, probeFromHealthcheck } from "../health/from-healthcheck.js";
import type { Probe } from "../health/probe.js";
import { waitUntilHealthy } from "../health/wait.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { primaryPort } from "../network/ports.js";
import type { ServiceArtifact } from "../release/build.js";
import { configFiles } from "../release/config-files.js";
import type { Instance } from "../state/index.js";
import { recordExtraPorts } from "../state/instance-ports.js";
import type { InstanceHandle, InstanceRequest } from "../targets/target.js";
import type { DeployRuntime } from "./runtime.js";
import { stopPolicy } from "./stop-policy.js";

/** A started instance with what it takes to check, restart and stop it. */
export interface LiveInstance {
  readonly request: InstanceRequest;
  readonly handle: InstanceHandle;
}

export const instanceId = (project: string, service: string, release: string, index: number) =>
  `${project}.${service}.${release}.${index}`;

/** What the target is asked to run: instance `index` of a service from a release. */
export function instanceRequest(
  app: AppSpec,
  service: string,
  artifact: ServiceArtifact,
  release: string,
  index: number,
  port: number,
  extraPorts: Readonly<Record<string, number>> = {},
): InstanceRequest {
  return {
    id: instanceId(app.name, service, release, index),
    project: app.name,
    service,
    release,
    index,
    kind: "service",
    spec: app.services[service]!,
    artifact,
    projectDirectory: app.projectDirectory,
    port,
    extraPorts,
    configs: configFiles(app, app.services[service]!).files,
  };
}

export const handleOf = (instance: Instance): InstanceHandle => ({
  id: instance.id,
  pid: instance.pid,
  startTime: instance.startTime,
  startedAt: instance.startedAt,
});

/** Starts one instance and records it as `starting`, with the service revision it runs. */
export async function startInstance(
  rt: DeployRuntime,
  request: InstanceRequest,
  revision: string,
  restarts = 0,
): Promise<LiveInstance> {
  const handle = await rt.target.start(request);
  recordExtraPorts(rt.store, request.id, request.extraPorts ?? {});
  rt.store.upsertInstance({
    id: request.id,
    project: request.project,
    service: request.service,
    releaseId: request.release,
    serviceHash: revision,
    index: request.index,
    pid: handle.pid,
    startTime: handle.startTime,
    startedAt: handle.startedAt,
    port: request.port,
    state: "starting",
    restarts,
    lastExitCode: null,
  });
  return { request, handle };
}

/** How readiness is judged: the Compose healthcheck, else a TCP connect to the instance's port, else "still running". */
export function readinessProbe(request: InstanceRequest): Probe | undefined {
  const service = request.spec;
  const probe = probeFromHealthcheck(service.healthcheck);
  if (probe) return probe;
  return primaryPort(service) !== undefined
    ? { kind: "tcp", host: "127.0.0.1", port: request.port }
    : undefined;
}

/**
 * Waits until an instance is ready for traffic. Fails fast when the process exits first, and the
 * reason names the probe and its last output (never just "unhealthy").
 */
export async function waitReady(
  rt: DeployRuntime,
  instance: LiveInstance,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { request } = instance;
  const service = request.spec;
  const probe = readinessProbe(request);
  const exited = rt.target.waitForExit(instance.handle).then((state) => ({ exited: state }));
  if (!probe) {
    const settled = await Promise.race([
      exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000)),
    ]);
    if (!settled) return { ok: true };
  }
  const config = healthConfigFromHealthcheck(service.healthcheck);
  const gate = {
    ...config,
    // During a deploy, look often and give the full retry budget as start period: ready quickly, failed fairly.
    startIntervalMs: Math.min(config.startIntervalMs, 250),
    startPeriodMs: Math.max(config.startPeriodMs, config.intervalMs * config.retries),
  };
  const deadlineMs = gate.startPeriodMs + gate.timeoutMs + 5_000;
  const abort = new AbortController();
  const exec = (argv: readonly string[], timeoutMs: number) => rt.target.exec(request, argv, timeoutMs);
  const health = probe
    ? waitUntilHealthy(probe, gate, { exec, deadlineMs, signal: abort.signal }).catch(() => ({
        healthy: false as const,
        reason: "aborted",
      }))
    : Promise.resolve({ healthy: false as const, reason: "exited" });
  const result = await Promise.race([health, exited]);
  abort.abort();
  if ("exited" in result) {
    const state = result.exited;
    const how =
      state.state === "exited" && state.exitCode !== null ? `exited with code ${state.exitCode}` : "exited";
    return {
      ok: false,
      reason: `${request.service} ${how} before it became ready; last output:\n${await rt.target.lastOutput(request)}`,
    };
  }
  if (result.healthy) return { ok: true };
  return { ok: false, reason: `${request.service}: ${result.reason}` };
}

/**
 * Takes an instance out of rotation and lets in-flight requests and WebSockets finish: the router
 * closes what is left at the service's `drain_timeout` (the wait allows a second more for that).
 */
export async function drainInstance(
  rt: DeployRuntime,
  instance: Instance,
  service: ServiceSpec | undefined,
): Promise<void> {
  if (instance.state !== "healthy" && instance.state !== "draining") return;
  rt.emit({ type: "service", service: instance.service, phase: "draining", detail: instance.id });
  if (instance.state === "healthy") {
    rt.store.setInstanceState(instance.id, "draining");
    await rt.publish(instance.project);
  }
  await rt.waitDrained?.(instance.id, stopPolicy(service).drainTimeoutMs + 1000);
}

/**
 * Takes an instance out of rotation, lets in-flight work finish, stops it gracefully (the service's
 * `stop_signal`, SIGKILL after `stop_grace_period`) and forgets it. Without the service (it left the
 * manifest): SIGTERM and 10 s.
 */
export async function retireInstance(
  rt: DeployRuntime,
  instance: Instance,
  service: ServiceSpec | undefined,
): Promise<void> {
  await drainInstance(rt, instance, service);
  const policy = stopPolicy(service);
  await rt.target.stop(handleOf(instance), policy.signal, policy.graceMs);
  rt.store.removeInstance(instance.id);
  rt.emit({ type: "service", service: instance.service, phase: "stopped", detail: instance.id });
}

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { healthConfigFromHealthcheck, probeFromHealthcheck } from "../health/from-healthcheck.js";
import type { Probe } from "../health/probe.js";
import { waitUntilHealthy } from "../health/wait.js";
import type { ServiceSpec } from "../manifest/model.js";
import { primaryPort } from "../network/ports.js";
import type { Instance } from "../state/index.js";
import type { InstanceHandle } from "../targets/target.js";
import { type PreparedInstance, stopPolicy } from "./instance-spec.js";
import type { DeployRuntime } from "./runtime.js";

/** A started instance with what it takes to check, restart and stop it. */
export interface LiveInstance {
  readonly prepared: PreparedInstance;
  readonly handle: InstanceHandle;
  readonly port: number;
}

export const handleOf = (instance: Instance): InstanceHandle => ({
  id: instance.id,
  pid: instance.pid,
  startTime: instance.startTime,
  startedAt: instance.startedAt,
});

/** The last lines a process wrote, for error messages that show why it failed. */
export function lastOutput(logDir: string, lines = 12): string {
  const read = (name: string) => {
    const file = join(logDir, name);
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-lines) : [];
  };
  return [...read("stderr.log"), ...read("stdout.log")].slice(-lines).join("\n");
}

/** Starts one instance (after the runner's one-time preparation) and records it as `starting`. */
export async function startInstance(
  rt: DeployRuntime,
  prepared: PreparedInstance,
  serviceHash: string,
  index: number,
  port: number,
  restarts = 0,
): Promise<LiveInstance> {
  await prepared.plan.prepare?.();
  const handle = await rt.target.start(prepared.spec);
  rt.store.upsertInstance({
    id: prepared.spec.id,
    project: prepared.spec.project,
    service: prepared.spec.service,
    releaseId: prepared.spec.release,
    serviceHash,
    index,
    pid: handle.pid,
    startTime: handle.startTime,
    startedAt: handle.startedAt,
    port,
    state: "starting",
    restarts,
    lastExitCode: null,
  });
  return { prepared, handle, port };
}

/** How readiness is judged: the Compose healthcheck, else a TCP connect to the instance's port, else "still running". */
export function readinessProbe(instance: LiveInstance): Probe | undefined {
  const { plan, service } = instance.prepared;
  const probe = probeFromHealthcheck(service.healthcheck);
  if (probe?.kind === "exec" && plan.adaptProbe) return { ...probe, argv: plan.adaptProbe(probe.argv) };
  if (probe) return probe;
  return primaryPort(service) !== undefined
    ? { kind: "tcp", host: "127.0.0.1", port: instance.port }
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
  const { spec, plan, service } = instance.prepared;
  const probe = readinessProbe(instance);
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
  const exec = (argv: readonly string[], timeoutMs: number) =>
    rt.target.exec({ ...spec, env: { ...spec.env, ...plan.probeEnv } }, argv, timeoutMs);
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
      reason: `${spec.service} ${how} before it became ready; last output:\n${lastOutput(spec.logDir)}`,
    };
  }
  if (result.healthy) return { ok: true };
  return { ok: false, reason: `${spec.service}: ${result.reason}` };
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

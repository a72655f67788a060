import { mirrorTasks } from "../deploy/engine/task-mirror.js";
import {
  handleOf,
  instanceRequest,
  readinessProbe,
  retireInstance,
  startInstance,
  waitReady,
} from "../deploy/instances.js";
import type { DeployRuntime } from "../deploy/runtime.js";
import { healthConfigFromHealthcheck } from "../health/from-healthcheck.js";
import { HealthMonitor } from "../health/monitor.js";
import { runProbe } from "../health/run-probe.js";
import type { ServiceSpec } from "../manifest/model.js";
import type { Instance } from "../state/index.js";
import { extraPortsOf } from "../state/instance-ports.js";
import type { Orchestrator } from "../targets/orchestrator.js";
import type { InstanceRequest } from "../targets/target.js";
import type { ProjectSpecs } from "./project-specs.js";

/** Restarts within this window count towards a crash loop. */
const CRASH_WINDOW_MS = 60_000;
const CRASH_LOOP_RESTARTS = 5;
const MAX_BACKOFF_MS = 30_000;

/** Whether a service's restart policy (Compose `restart`, or `deploy.restart_policy`) restarts it after this exit. */
export function shouldRestart(service: ServiceSpec, exitCode: number | null, restarts: number): boolean {
  const policy = service.deploy.restart_policy;
  if (policy) {
    if (policy.max_attempts !== undefined && restarts >= policy.max_attempts) return false;
    return policy.condition === "any" || (policy.condition === "on-failure" && exitCode !== 0);
  }
  const restart = service.restart ?? "no";
  if (restart === "always" || restart === "unless-stopped") return true;
  if (restart.startsWith("on-failure")) {
    const max = Number(restart.split(":")[1] ?? Number.POSITIVE_INFINITY);
    return exitCode !== 0 && restarts < max;
  }
  return false;
}

/** Exponential backoff: 1 s, 2 s, 4 s … capped. */
export const backoffMs = (recentCrashes: number) =>
  Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, recentCrashes - 1));

/**
 * Keeps the instances of active releases running: notices exits (by PID and start time, so it works
 * for adopted processes too), restarts them by policy with backoff, marks crash loops, and watches
 * health so only healthy instances take traffic. Instances a deploy is handling (starting, draining)
 * are left to the deploy.
 */
export class Supervisor {
  /** Health monitors by instance id, with the PID each watches: a replacement under the same id gets a new one. */
  private readonly monitors = new Map<string, { readonly pid: number; readonly monitor: HealthMonitor }>();
  private readonly crashes = new Map<string, number[]>();
  private readonly restartAt = new Map<string, number>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rt: DeployRuntime,
    private readonly specs: ProjectSpecs,
  ) {}

  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const { monitor } of this.monitors.values()) monitor.stop();
    this.monitors.clear();
  }

  private serviceOf(instance: Instance): ServiceSpec | undefined {
    return this.specs.release(instance.project, instance.releaseId)?.spec.services[instance.service];
  }

  async tick(): Promise<void> {
    for (const project of this.specs.projects()) {
      const spec = this.specs.spec(project);
      const orchestrator = spec && this.rt.orchestrator?.(spec);
      if (orchestrator) {
        await this.follow(project, orchestrator);
        continue;
      }
      for (const instance of this.rt.store.listInstances(project)) {
        if (this.busy.has(instance.id)) continue;
        this.busy.add(instance.id);
        try {
          await this.check(instance);
        } catch (error) {
          this.rt.store.addEvent({
            project,
            service: instance.service,
            kind: "supervisor.error",
            level: "error",
            message: (error as Error).message,
          });
        } finally {
          this.busy.delete(instance.id);
        }
      }
    }
  }

  /**
   * An orchestrated project's tasks are the engine's to restart: the supervisor only follows them
   * into the routes (a deploy running for the project follows them itself).
   */
  private async follow(project: string, orchestrator: Orchestrator): Promise<void> {
    if (this.busy.has(project) || this.rt.store.runningDeploy(project) || this.specs.isDown(project)) return;
    this.busy.add(project);
    try {
      await mirrorTasks(this.rt, orchestrator, project);
    } catch (error) {
      this.rt.store.addEvent({
        project,
        kind: "supervisor.error",
        level: "error",
        message: (error as Error).message,
      });
    } finally {
      this.busy.delete(project);
    }
  }

  private async check(instance: Instance): Promise<void> {
    if (instance.state === "starting" || instance.state === "draining" || instance.state === "stopped")
      return;
    if (instance.state === "standby") return this.checkStandby(instance);
    const service = this.serviceOf(instance);
    if (!service) return;
    if (instance.state === "exited" || instance.state === "crashloop")
      return this.maybeRestart(instance, service);
    const state = await this.rt.target.inspect(handleOf(instance));
    if (state.state === "running") {
      this.watchHealth(instance, service);
      return;
    }
    this.monitors.get(instance.id)?.monitor.stop();
    this.monitors.delete(instance.id);
    const now = Date.now();
    const recent = [...(this.crashes.get(instance.id) ?? []), now].filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.set(instance.id, recent);
    const crashLoop = recent.length >= CRASH_LOOP_RESTARTS;
    this.rt.store.setInstanceState(instance.id, crashLoop ? "crashloop" : "exited", {
      lastExitCode: state.exitCode,
    });
    this.rt.store.addEvent({
      project: instance.project,
      service: instance.service,
      releaseId: instance.releaseId,
      kind: crashLoop ? "instance.crashloop" : "instance.exited",
      level: crashLoop ? "error" : "warning",
      message: `${instance.id} exited${state.exitCode !== null ? ` with code ${state.exitCode}` : ""}${crashLoop ? `; ${recent.length} crashes in a minute, backing off` : ""}`,
    });
    await this.rt.publish(instance.project);
    if (shouldRestart(service, state.exitCode, instance.restarts))
      this.restartAt.set(instance.id, now + backoffMs(recent.length));
  }

  /**
   * A blue-green colour kept warm: stopped when its `keep_old` window ends (not while a deploy of the
   * project runs: a rollback may be switching back to it), forgotten when it died (it is never
   * restarted; a rollback then starts the release afresh).
   */
  private async checkStandby(instance: Instance): Promise<void> {
    const expired = Date.now() >= (instance.standbyUntil ?? 0);
    if (expired && this.rt.store.runningDeploy(instance.project)) return;
    const state = await this.rt.target.inspect(handleOf(instance));
    if (!expired && state.state === "running") return;
    const current = this.rt.store.getInstance(instance.id);
    if (current?.state !== "standby" || current.pid !== instance.pid) return;
    await retireInstance(this.rt, current, this.serviceOf(instance));
    this.rt.store.addEvent({
      project: instance.project,
      service: instance.service,
      releaseId: instance.releaseId,
      kind: "instance.standby-ended",
      level: expired ? "info" : "warning",
      message: expired
        ? `${instance.id} stopped: its blue-green keep_old window ended`
        : `${instance.id} exited while on standby; a rollback to ${instance.releaseId} will start it afresh`,
    });
  }

  /** What the target runs for a recorded instance: its release's frozen spec and artifact. */
  private requestOf(instance: Instance): InstanceRequest | undefined {
    const release = this.specs.release(instance.project, instance.releaseId);
    const artifact = release?.artifacts[instance.service];
    if (!release || !artifact) return undefined;
    return instanceRequest(
      release.spec,
      instance.service,
      artifact,
      instance.releaseId,
      instance.index,
      instance.port ?? 0,
      extraPortsOf(this.rt.store, instance.id),
    );
  }

  private async maybeRestart(instance: Instance, service: ServiceSpec): Promise<void> {
    // Without a restart time it died while no agent watched it (the agent was down, the machine
    // rebooted): its restart policy decides now.
    if (!this.restartAt.has(instance.id) && shouldRestart(service, instance.lastExitCode, instance.restarts))
      this.restartAt.set(instance.id, Date.now());
    const due = this.restartAt.get(instance.id);
    if (due === undefined || Date.now() < due) return;
    this.restartAt.delete(instance.id);
    // A deploy may have replaced or removed it since this round read it.
    const current = this.rt.store.getInstance(instance.id);
    if (current?.pid !== instance.pid || current.state !== instance.state) return;
    const live = await startInstance(
      this.rt,
      this.requestOf(instance)!,
      instance.serviceHash,
      instance.restarts + 1,
    );
    // Running again (also after a crash loop: a crash soon after brings it back, with a longer backoff).
    this.rt.store.setInstanceState(instance.id, "running");
    void waitReady(this.rt, live)
      .then(async (ready) => {
        const current = this.rt.store.getInstance(instance.id);
        // Unless it crashed, or was stopped or replaced, meanwhile.
        if (!ready.ok || current?.pid !== live.handle.pid || current.state !== "running") return;
        this.rt.store.setInstanceState(instance.id, "healthy");
        await this.rt.publish(instance.project);
      })
      .catch((error: Error) => {
        this.rt.store.addEvent({
          project: instance.project,
          service: instance.service,
          kind: "supervisor.error",
          level: "error",
          message: error.message,
        });
      });
  }

  /** Watches a running instance with its healthcheck; unhealthy instances leave rotation until they recover. */
  private watchHealth(instance: Instance, service: ServiceSpec): void {
    const watching = this.monitors.get(instance.id);
    if (watching?.pid === instance.pid) return;
    // Restarted under the same id (`restart`, a restore): the old monitor probes the old port.
    watching?.monitor.stop();
    this.monitors.delete(instance.id);
    if (!service.healthcheck || service.healthcheck.disable) return;
    const request = this.requestOf(instance);
    const probe = request && readinessProbe(request);
    if (!request || !probe) return;
    const exec = (argv: readonly string[], timeoutMs: number) =>
      this.rt.target.exec(request, argv, timeoutMs);
    const monitor = new HealthMonitor({
      check: (timeoutMs) => runProbe(probe, { exec, timeoutMs }),
      config: healthConfigFromHealthcheck(service.healthcheck),
      startedAt: instance.startedAt,
      onTransition: (status, last) => {
        const current = this.rt.store.getInstance(instance.id);
        if (
          !current ||
          (current.state !== "healthy" && current.state !== "unhealthy" && current.state !== "running")
        )
          return;
        const next = status === "healthy" ? "healthy" : status === "unhealthy" ? "unhealthy" : current.state;
        if (next === current.state) return;
        this.rt.store.setInstanceState(
          instance.id,
          next,
          next === "unhealthy" ? { lastError: last.output } : {},
        );
        this.rt.store.addEvent({
          project: instance.project,
          service: instance.service,
          kind: `instance.${next}`,
          level: next === "unhealthy" ? "warning" : "info",
          message: `${instance.id} is ${next}: ${last.output}`,
        });
        void this.rt.publish(instance.project);
      },
    });
    this.monitors.set(instance.id, { pid: instance.pid, monitor });
  }
}

import { SlipwayError } from "../errors.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { planStartOrder } from "../plan/start-order.js";
import { buildService, type ServiceArtifact } from "../release/build.js";
import { decodeRelease, encodeRelease, type ReleaseContent } from "../release/content.js";
import { sha256, stableJson } from "../release/hash.js";
import type { Release } from "../state/index.js";
import { DeployFailure } from "./failure.js";
import { handleOf, retireInstance } from "./instances.js";
import { runServiceJob } from "./jobs.js";
import { reconcileService } from "./reconcile.js";
import { blueGreen, recreate, rolling, rollingPlan, type ServiceChange } from "./replace.js";
import type { DeployRuntime } from "./runtime.js";
import { canary } from "./strategies/canary.js";

/** A service that runs once per deploy rather than staying up: others wait for it to complete successfully. */
export function isOneShot(app: AppSpec, service: ServiceSpec): boolean {
  if (service.deploy.mode.endsWith("-job")) return true;
  return Object.values(app.services).some(
    (other) => other.depends_on[service.name]?.condition === "service_completed_successfully",
  );
}

/** Builds (or reuses) every service's artifact; progress as events. */
async function buildArtifacts(rt: DeployRuntime, app: AppSpec): Promise<Record<string, ServiceArtifact>> {
  const artifacts: Record<string, ServiceArtifact> = {};
  for (const service of Object.values(app.services)) {
    let built = false;
    artifacts[service.name] = await buildService(service, rt.paths.artifacts(app.name), (line) => {
      built = true;
      rt.emit({ type: "service", service: service.name, phase: "building", detail: line });
    });
    if (built) rt.emit({ type: "service", service: service.name, phase: "built" });
  }
  return artifacts;
}

/** Is the service already running exactly this artifact with every replica ready? Then it is left alone. */
async function isUpToDate(
  rt: DeployRuntime,
  app: AppSpec,
  service: ServiceSpec,
  artifact: ServiceArtifact,
): Promise<boolean> {
  const instances = rt.store
    .listInstances(app.name, { service: service.name })
    .filter((i) => i.state !== "standby");
  if (instances.length !== service.deploy.replicas) return false;
  if (instances.some((i) => i.serviceHash !== artifact.hash || i.state !== "healthy")) return false;
  return (await rt.target.adopt(instances.map(handleOf))).length === instances.length;
}

/** Runs `backUp` once, however many services of the deploy migrate (in parallel or one after another). */
function backupOnce(rt: DeployRuntime, app: AppSpec, release: string): () => Promise<void> {
  let backup: Promise<void> | undefined;
  return () => {
    backup ??= (rt.backUpBeforeMigration?.(app, release) ?? Promise.resolve()).catch((error: unknown) => {
      throw new DeployFailure(
        "E_DEPLOY_BACKUP_FAILED",
        `the backup before migrating failed: ${(error as Error).message}`,
        "no migration ran; the previous release keeps serving (fix the backup, or set x-slipway.backups.before_migrate: false)",
      );
    });
    return backup;
  };
}

/** Rolls one changed service out to the new release by its strategy (migrations first). */
async function rollOutService(
  rt: DeployRuntime,
  app: AppSpec,
  release: string,
  artifact: ServiceArtifact,
  service: ServiceSpec,
  beforeMigration: () => Promise<void>,
): Promise<void> {
  const migrate = service["x-slipway"].migrate;
  if (migrate) {
    await beforeMigration();
    rt.emit({ type: "service", service: service.name, phase: "migrating" });
    const command = migrate.command.length === 1 ? ["/bin/sh", "-c", migrate.command[0]!] : migrate.command;
    const result = await runServiceJob(rt, app, service.name, artifact, release, "migrate", {
      command,
      timeoutMs: migrate.timeout.ms,
    });
    if (result.exitCode !== 0) {
      throw new DeployFailure(
        "E_DEPLOY_MIGRATION_FAILED",
        `migration of ${service.name} (\`${migrate.command.join(" ")}\`) ${result.timedOut ? "timed out" : `exited with ${result.exitCode}`}; last output:\n${result.output.trim()}`,
        "nothing of the new release was started; the previous release keeps serving",
      );
    }
  }
  const strategy = service["x-slipway"].strategy;
  let old = rt.store.listInstances(app.name, { service: service.name });
  // Warm instances on standby only serve a blue-green switch back; any other rollout stops them first
  // (a new instance may take the id of one of them).
  if (strategy !== "blue-green") {
    await Promise.all(old.filter((i) => i.state === "standby").map((i) => retireInstance(rt, i, service)));
    old = old.filter((i) => i.state !== "standby");
  }
  // Deploying the release a service already runs repairs it in place: a rollout would start new
  // instances under the ids of the ones it replaces.
  if (old.some((i) => i.releaseId === release && i.state !== "standby"))
    return reconcileService(rt, app, service.name, release, artifact);
  const change: ServiceChange = { app, service: service.name, release, artifact, old };
  const replicas = service.deploy.replicas;
  switch (strategy) {
    case "recreate":
      return recreate(rt, change, replicas);
    case "blue-green":
      return blueGreen(rt, change, replicas);
    case "canary":
      if (rt.traffic) return canary(rt, rt.traffic, change, replicas);
      return rolling(rt, change, replicas, rollingPlan(service, replicas));
    default:
      return rolling(rt, change, replicas, rollingPlan(service, replicas));
  }
}

/** A one-shot service: run to completion once per change; a failure stops the deploy. */
async function runOneShot(
  rt: DeployRuntime,
  app: AppSpec,
  release: string,
  artifact: ServiceArtifact,
  service: ServiceSpec,
  previous: ReleaseContent | undefined,
  beforeMigration: () => Promise<void>,
): Promise<void> {
  const lastRun = rt.store.listJobRuns(app.name, { service: service.name, limit: 1 })[0];
  if (previous?.artifacts[service.name]?.hash === artifact.hash && lastRun?.exitCode === 0) {
    rt.emit({ type: "service", service: service.name, phase: "unchanged" });
    return;
  }
  // A one-shot that others wait for is how Compose files run migrations.
  await beforeMigration();
  rt.emit({ type: "service", service: service.name, phase: "starting", detail: "one-shot" });
  const result = await runServiceJob(rt, app, service.name, artifact, release, "run");
  if (result.exitCode !== 0) {
    throw new DeployFailure(
      "E_DEPLOY_JOB_FAILED",
      `${service.name} ${result.timedOut ? "timed out" : `exited with ${result.exitCode}`}; last output:\n${result.output.trim()}`,
      "services that wait for it were not started; the previous release keeps serving",
    );
  }
  rt.emit({ type: "service", service: service.name, phase: "completed" });
}

export interface DeployOutcome {
  readonly status: "succeeded" | "failed" | "rolled-back";
  readonly release: string;
  readonly error?: SlipwayError;
}

/**
 * Deploys an application: builds the release, then walks the start levels; each service is left
 * alone when unchanged, else migrated and rolled out by its strategy. When anything fails, every
 * service this deploy changed is rolled back to the previous release, which keeps serving.
 * `rollbackTo` re-deploys a stored release with its built artifacts (no rebuild).
 */
export async function deployApp(
  rt: DeployRuntime,
  app: AppSpec,
  rollbackTo?: Release,
): Promise<DeployOutcome> {
  const project = app.name;
  const active = rt.store.activeRelease(project);
  const previous = active ? decodeRelease(active.spec) : undefined;
  const artifacts = rollbackTo ? decodeRelease(rollbackTo.spec).artifacts : await buildArtifacts(rt, app);
  const content: ReleaseContent = { spec: app, artifacts };
  const specHash = sha256(
    stableJson(Object.fromEntries(Object.entries(artifacts).map(([s, a]) => [s, a.hash]))),
  );
  const { release, deploy } = rt.store.transaction(() => {
    // The same content as the active release is not a new release: the deploy converges to the active one.
    const release =
      rollbackTo ??
      (active?.specHash === specHash ? active : undefined) ??
      rt.store.insertRelease({
        project,
        createdAt: Date.now(),
        specHash,
        spec: encodeRelease(content),
        artifactsDir: rt.paths.artifacts(project),
        status: "ready",
      });
    const { deploy } = rt.store.startDeploy({
      project,
      releaseId: release.id,
      fromReleaseId: active?.id,
      kind: rollbackTo ? "rollback" : "deploy",
    });
    return { release, deploy };
  });
  rt.emit({ type: "deploy.started", deployId: deploy.id, release: release.id, from: active?.id });
  const plan = planStartOrder(app);
  const changed: string[] = [];
  const beforeMigration = backupOnce(rt, app, release.id);
  try {
    for (const level of plan.levels) {
      const results = await Promise.allSettled(
        level.map(async ({ name }) => {
          const service = app.services[name]!;
          const artifact = artifacts[name]!;
          if (service["x-slipway"].schedule) {
            rt.emit({
              type: "service",
              service: name,
              phase: "scheduled",
              detail: service["x-slipway"].schedule.cron,
            });
            return;
          }
          if (isOneShot(app, service))
            return runOneShot(rt, app, release.id, artifact, service, previous, beforeMigration);
          if (await isUpToDate(rt, app, service, artifact)) {
            rt.emit({ type: "service", service: name, phase: "unchanged" });
            return;
          }
          changed.push(name);
          await rollOutService(rt, app, release.id, artifact, service, beforeMigration);
          rt.emit({ type: "service", service: name, phase: "healthy" });
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    }
    await stopRemovedServices(rt, app);
    rt.store.transaction(() => {
      rt.store.activateRelease(project, release.id);
      rt.store.finishDeploy(deploy.id, "succeeded");
    });
    rt.emit({ type: "deploy.finished", status: "succeeded", release: release.id });
    return { status: "succeeded", release: release.id };
  } catch (cause) {
    const error =
      cause instanceof SlipwayError
        ? cause
        : new SlipwayError(
            { code: "E_DEPLOY_FAILED", message: String((cause as Error)?.message ?? cause) },
            { cause },
          );
    rt.emit({ type: "log", level: "error", message: error.message });
    rt.revertSpec?.(project);
    // A paused rolling update (failure_action: pause) stays where it stopped; anything else is undone.
    const paused = error.code === "E_DEPLOY_PAUSED";
    if (!paused) await rollBackServices(rt, project, changed, previous, active?.id);
    const status = paused ? "failed" : "rolled-back";
    rt.store.transaction(() => {
      if (!rollbackTo && !paused) rt.store.setReleaseStatus(project, release.id, "failed");
      rt.store.finishDeploy(deploy.id, status, { code: error.code, message: error.message });
    });
    rt.store.addEvent({
      project,
      releaseId: release.id,
      kind: paused ? "deploy.paused" : "deploy.rolled-back",
      level: "error",
      message: error.message,
    });
    rt.emit({
      type: "deploy.finished",
      status,
      release: release.id,
      error: { code: error.code, message: error.message, hint: error.hint },
    });
    return { status, release: release.id, error };
  }
}

/** Puts every service this deploy touched back on the previous release (or stops it when it is new). */
async function rollBackServices(
  rt: DeployRuntime,
  project: string,
  changed: readonly string[],
  previous: ReleaseContent | undefined,
  previousId: string | undefined,
): Promise<void> {
  for (const name of [...changed].reverse()) {
    try {
      const before = previous?.spec.services[name];
      if (previous && previousId && before && previous.artifacts[name]) {
        await reconcileService(rt, previous.spec, name, previousId, previous.artifacts[name]);
      } else {
        for (const instance of rt.store.listInstances(project, { service: name })) {
          await rt.target.stop(handleOf(instance), "SIGTERM", 10_000);
          rt.store.removeInstance(instance.id);
        }
      }
      rt.emit({ type: "service", service: name, phase: "rolled-back" });
    } catch (error) {
      rt.emit({
        type: "log",
        level: "error",
        message: `rolling ${name} back failed: ${(error as Error).message}`,
      });
    }
  }
}

/** Services that are no longer in the spec stop (their data stays). */
async function stopRemovedServices(rt: DeployRuntime, app: AppSpec): Promise<void> {
  for (const instance of rt.store.listInstances(app.name)) {
    if (app.services[instance.service] && !app.services[instance.service]!["x-slipway"].schedule) continue;
    rt.emit({ type: "service", service: instance.service, phase: "stopping" });
    await rt.target.stop(handleOf(instance), "SIGTERM", 10_000);
    rt.store.removeInstance(instance.id);
  }
  await rt.publish(app.name);
}

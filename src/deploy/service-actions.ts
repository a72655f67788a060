import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import type { ServicePlan } from "../plan/model.js";
import type { ServiceArtifact } from "../release/build.js";
import { rollOutOnEngine } from "./engine/rollout.js";
import { DeployFailure } from "./failure.js";
import { retireInstance } from "./instances.js";
import { runServiceJob } from "./jobs.js";
import { reconcileService } from "./reconcile.js";
import type { ServiceChange } from "./rollout.js";
import type { DeployRuntime } from "./runtime.js";
import { strategyFor } from "./strategies/registry.js";

/** What executing one service's part of the plan needs. */
export interface ServiceStep {
  readonly app: AppSpec;
  readonly release: string;
  readonly artifact: ServiceArtifact;
  readonly planned: ServicePlan;
  /** Backs the databases up once per deploy, before the first migration. */
  readonly beforeMigration: () => Promise<void>;
  /** Called before the service's instances change: a failed deploy puts it back on the previous release. */
  readonly touched: () => void;
}

async function migrate(rt: DeployRuntime, step: ServiceStep, service: ServiceSpec): Promise<void> {
  const migration = service["x-slipway"].migrate;
  if (!migration) return;
  await step.beforeMigration();
  rt.emit({ type: "service", service: service.name, phase: "migrating" });
  const command =
    migration.command.length === 1 ? ["/bin/sh", "-c", migration.command[0]!] : migration.command;
  const result = await runServiceJob(rt, step.app, service.name, step.artifact, step.release, "migrate", {
    command,
    timeoutMs: migration.timeout.ms,
  });
  if (result.exitCode !== 0) {
    throw new DeployFailure(
      "E_DEPLOY_MIGRATION_FAILED",
      `migration of ${service.name} (\`${migration.command.join(" ")}\`) ${result.timedOut ? "timed out" : `exited with ${result.exitCode}`}; last output:\n${result.output.trim()}`,
      "nothing of the new release was started; the previous release keeps serving",
    );
  }
}

/** Rolls one changed service out to the new release by its strategy (migrations first). */
async function rollOut(rt: DeployRuntime, step: ServiceStep, service: ServiceSpec): Promise<void> {
  const { app, release, artifact } = step;
  await migrate(rt, step, service);
  const strategy = service["x-slipway"].strategy;
  let old = rt.store.listInstances(app.name, { service: service.name });
  // Warm instances on standby only serve a blue-green switch back; any other rollout stops them first
  // (a new instance may take the id of one of them).
  if (strategy !== "blue-green") {
    await Promise.all(old.filter((i) => i.state === "standby").map((i) => retireInstance(rt, i, service)));
    old = old.filter((i) => i.state !== "standby");
  }
  // Instances of this very release are repaired in place: a rollout would start new instances under their ids.
  // That is how a paused rolling update resumes (its release is reused): what it replaced stays.
  const already = old.filter((i) => i.releaseId === release && i.state !== "standby");
  if (already.length > 0) {
    rt.emit({
      type: "log",
      level: "info",
      message: `resuming the rollout of ${service.name}: ${already.length} of ${service.deploy.replicas} instances already run ${release}`,
    });
    return reconcileService(rt, app, service.name, release, artifact);
  }
  const change: ServiceChange = { app, service: service.name, release, artifact, old };
  await strategyFor(strategy, rt).rollOut(rt, change, service.deploy.replicas);
}

/** A one-shot service: run to completion; a failure stops the deploy. */
async function runOneShot(rt: DeployRuntime, step: ServiceStep, service: ServiceSpec): Promise<void> {
  // A one-shot that others wait for is how Compose files run migrations.
  await step.beforeMigration();
  rt.emit({ type: "service", service: service.name, phase: "starting", detail: "one-shot" });
  const result = await runServiceJob(rt, step.app, service.name, step.artifact, step.release, "run");
  if (result.exitCode !== 0) {
    throw new DeployFailure(
      "E_DEPLOY_JOB_FAILED",
      `${service.name} ${result.timedOut ? "timed out" : `exited with ${result.exitCode}`}; last output:\n${result.output.trim()}`,
      "services that wait for it were not started; the previous release keeps serving",
    );
  }
  rt.emit({ type: "service", service: service.name, phase: "completed" });
}

/** Executes one service's planned action, reporting it as a `step` event first. */
export async function executeServicePlan(rt: DeployRuntime, step: ServiceStep): Promise<void> {
  const { planned } = step;
  const service = step.app.services[planned.name]!;
  const orchestrator = rt.orchestrator?.(step.app);
  rt.emit({ type: "step", service: planned.name, action: planned.action, reasons: planned.reasons });
  switch (planned.action) {
    case "schedule":
      rt.emit({
        type: "service",
        service: planned.name,
        phase: "scheduled",
        detail: service["x-slipway"].schedule?.cron,
      });
      return;
    case "skip":
      rt.emit({ type: "service", service: planned.name, phase: "unchanged" });
      return;
    case "run-job":
      return runOneShot(rt, step, service);
    case "repair":
      step.touched();
      if (orchestrator)
        await rollOutOnEngine(rt, orchestrator, step.app, planned.name, step.release, step.artifact);
      else await reconcileService(rt, step.app, planned.name, step.release, step.artifact);
      break;
    case "roll-out":
      step.touched();
      if (orchestrator) {
        // The engine rolls the whole service out itself (swarm); slipway migrates first and watches it to the end.
        await migrate(rt, step, service);
        await rollOutOnEngine(rt, orchestrator, step.app, planned.name, step.release, step.artifact);
      } else await rollOut(rt, step, service);
      break;
  }
  rt.emit({ type: "service", service: planned.name, phase: "healthy" });
}

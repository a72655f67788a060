import { SlipwayError } from "../errors.js";
import type { AppSpec } from "../manifest/model.js";
import type { Plan } from "../plan/model.js";
import { planDeploy } from "../plan/plan.js";
import { decodeRelease, type ReleaseContent } from "../release/content.js";
import { buildRelease, draftRelease, type ReleaseDraft } from "../release/create.js";
import { recordRelease } from "../release/record.js";
import type { Release } from "../state/index.js";
import { removeGoneServices, revertOnEngine } from "./engine/rollout.js";
import { DeployFailure } from "./failure.js";
import { handleOf } from "./instances.js";
import { observe } from "./observe.js";
import { reconcileService } from "./reconcile.js";
import type { DeployRuntime } from "./runtime.js";
import { executeServicePlan } from "./service-actions.js";

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

/** A stored release as a draft: its revisions and hash as they were made (nothing is re-read or rebuilt). */
function draftOf(release: Release, content: ReleaseContent): ReleaseDraft {
  const services = Object.fromEntries(
    Object.entries(content.artifacts).map(([name, a]) => [
      name,
      { revision: a.hash, buildHash: a.buildHash ?? a.hash, built: true },
    ]),
  );
  return { spec: content.spec, services, hash: release.specHash };
}

/** The plan of deploying `app` (or re-deploying a stored release) over what runs now. Reads, changes nothing. */
export async function planFor(
  rt: DeployRuntime,
  app: AppSpec,
  rollbackTo?: Release,
): Promise<{ draft: ReleaseDraft; plan: Plan }> {
  const draft = rollbackTo
    ? draftOf(rollbackTo, decodeRelease(rollbackTo.spec))
    : draftRelease(app, rt.paths.artifacts(app.name));
  return { draft, plan: planDeploy(draft, await observe(rt, app.name)) };
}

export interface DeployOutcome {
  readonly status: "succeeded" | "failed" | "rolled-back";
  readonly release: string;
  readonly error?: SlipwayError;
}

/**
 * Deploys an application: freezes and builds the release, computes the Plan against what runs now,
 * then executes it level by level (each service by its planned action). When anything fails, every
 * service this deploy changed is rolled back to the previous release, which keeps serving.
 * `rollbackTo` re-deploys a stored release with its frozen spec and built artifacts (no rebuild).
 */
export async function deployApp(
  rt: DeployRuntime,
  app: AppSpec,
  rollbackTo?: Release,
): Promise<DeployOutcome> {
  const project = app.name;
  const active = rt.store.activeRelease(project);
  const previous = active ? decodeRelease(active.spec) : undefined;
  const { draft, plan } = await planFor(rt, app, rollbackTo);
  const content = rollbackTo
    ? decodeRelease(rollbackTo.spec)
    : await buildRelease(draft, rt.paths.artifacts(project), (service, line) =>
        rt.emit({ type: "service", service, phase: line === undefined ? "built" : "building", detail: line }),
      );
  const { release, deploy } = rt.store.transaction(() => {
    const release =
      rollbackTo ?? recordRelease(rt.store, project, content, draft.hash, rt.paths.artifacts(project));
    const { deploy } = rt.store.startDeploy({
      project,
      releaseId: release.id,
      fromReleaseId: active?.id,
      kind: rollbackTo ? "rollback" : "deploy",
    });
    return { release, deploy };
  });
  rt.emit({ type: "deploy.started", deployId: deploy.id, release: release.id, from: active?.id });
  rt.emit({ type: "plan", plan });
  const changed: string[] = [];
  const beforeMigration = backupOnce(rt, content.spec, release.id);
  try {
    for (const level of plan.levels) {
      const results = await Promise.allSettled(
        level.map((planned) =>
          executeServicePlan(rt, {
            app: content.spec,
            release: release.id,
            artifact: content.artifacts[planned.name]!,
            planned,
            beforeMigration,
            touched: () => changed.push(planned.name),
          }),
        ),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    }
    const orchestrator = rt.orchestrator?.(content.spec);
    if (orchestrator) await removeGoneServices(rt, orchestrator, content.spec);
    else await stopRemovedServices(rt, content.spec);
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
    const orchestrator = rt.orchestrator?.(content.spec);
    if (!paused && orchestrator)
      await revertOnEngine(
        rt,
        orchestrator,
        project,
        changed,
        previous && active && { id: active.id, ...previous },
      );
    else if (!paused) await rollBackServices(rt, project, changed, previous, active?.id);
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

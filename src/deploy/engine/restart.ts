import { isOneShot } from "../../plan/plan.js";
import type { ReleaseContent } from "../../release/content.js";
import type { Orchestrator } from "../../targets/orchestrator.js";
import type { DeployRuntime } from "../runtime.js";
import { failureOf, watchOnEngine } from "./rollout.js";

/**
 * `slipway restart` on an orchestrator: each service (or the one named) is force-updated to the
 * release it already runs (Swarm's `ForceUpdate`), so the engine replaces its tasks by the service's
 * own `update_config`, watched to the end like a deploy; a restart the engine pauses or rolls back
 * fails with its verdict. Jobs and schedules have no tasks to replace. `service`, when given, is one
 * of the release's (restartServices checks it).
 */
export async function restartOnEngine(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  project: string,
  active: { readonly id: string; readonly content: ReleaseContent },
  service?: string,
): Promise<void> {
  const { spec: app, artifacts } = active.content;
  const names = (service ? [service] : Object.keys(app.services)).filter(
    (name) => !app.services[name]!["x-slipway"].schedule && !isOneShot(app, app.services[name]!),
  );
  for (const name of names) {
    rt.emit({
      type: "service",
      service: name,
      phase: "starting",
      detail: `restarting on ${orchestrator.name}`,
    });
    await orchestrator.apply({
      app,
      service: name,
      release: active.id,
      artifact: artifacts[name]!,
      force: true,
      onProgress: (detail) => rt.emit({ type: "service", service: name, phase: "pushing", detail }),
    });
    const outcome = await watchOnEngine(rt, orchestrator, project, name, active.id);
    if (outcome.status !== "converged") {
      const failure = failureOf(name, outcome);
      rt.store.addEvent({
        project,
        releaseId: active.id,
        kind: "service.restart-failed",
        level: "error",
        message: `restarting ${name}: ${failure.message}`,
      });
      throw failure;
    }
    rt.store.addEvent({
      project,
      releaseId: active.id,
      kind: "service.restarted",
      level: "info",
      message: `${orchestrator.name} replaced every task of ${name} (${active.id})`,
    });
    rt.emit({ type: "service", service: name, phase: "healthy" });
  }
}

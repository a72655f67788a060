import { isOneShot } from "../../plan/plan.js";
import { decodeRelease, type ReleaseContent } from "../../release/content.js";
import type { Deploy } from "../../state/index.js";
import type { Orchestrator } from "../../targets/orchestrator.js";
import type { DeployRuntime } from "../runtime.js";
import { failureOf, revertOnEngine, watchOnEngine } from "./rollout.js";
import { mirrorTasks } from "./task-mirror.js";

/**
 * After the agent restarted in the middle of a deploy to an orchestrator: the engine kept rolling
 * out without it. The agent watches the same updates again until the engine settles, then records
 * the real outcome: every service of the release converged → the release is live and the deploy
 * succeeded; otherwise what moved goes back to the active release and the deploy is rolled back.
 */
export async function resumeOnEngine(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  project: string,
  deploy: Deploy,
  active: { readonly id: string; readonly content: ReleaseContent } | undefined,
): Promise<void> {
  const release = rt.store.getRelease(project, deploy.releaseId);
  if (!release) return;
  const content = decodeRelease(release.spec);
  rt.store.addEvent({
    project,
    releaseId: release.id,
    kind: "deploy.resuming",
    level: "warning",
    message: `the agent restarted during deploy ${deploy.id}; watching ${orchestrator.name}'s rollout of ${release.id} again`,
  });
  let failure: ReturnType<typeof failureOf> | undefined;
  for (const { service } of (await orchestrator.services(project)).filter((s) => s.release === release.id)) {
    const outcome = await watchOnEngine(rt, orchestrator, project, service, release.id);
    if (outcome.status !== "converged") failure ??= failureOf(service, outcome);
  }
  const running = new Map((await orchestrator.services(project)).map((s) => [s.service, s]));
  const missing = Object.values(content.spec.services).filter(
    (s) =>
      !s["x-slipway"].schedule &&
      !isOneShot(content.spec, s) &&
      running.get(s.name)?.revision !== content.artifacts[s.name]?.hash,
  );
  if (!failure && missing.length === 0) {
    rt.store.transaction(() => {
      rt.store.activateRelease(project, release.id);
      rt.store.finishDeploy(deploy.id, "succeeded");
    });
    rt.store.addEvent({
      project,
      releaseId: release.id,
      kind: "deploy.resumed",
      level: "info",
      message: `deploy ${deploy.id} of ${release.id} succeeded: ${orchestrator.name} finished its rollout while the agent restarted`,
    });
  } else {
    const moved = [...running.values()].filter((s) => s.release === release.id).map((s) => s.service);
    await revertOnEngine(rt, orchestrator, project, moved, active && { id: active.id, ...active.content });
    const error = failure ?? {
      code: "E_DEPLOY_FAILED",
      message: `the deploy was cut short before ${missing.map((s) => s.name).join(", ")} was updated`,
    };
    rt.store.transaction(() => {
      rt.store.setReleaseStatus(project, release.id, "failed");
      rt.store.finishDeploy(deploy.id, "rolled-back", { code: error.code, message: error.message });
    });
    rt.store.addEvent({
      project,
      releaseId: release.id,
      kind: "deploy.rolled-back",
      level: "error",
      message: `deploy ${deploy.id} of ${release.id} (resumed after an agent restart): ${error.message}`,
    });
  }
  await mirrorTasks(rt, orchestrator, project);
}

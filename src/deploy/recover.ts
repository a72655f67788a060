import { decodeRelease, type ReleaseContent } from "../release/content.js";
import { resumeOnEngine } from "./engine/resume.js";
import { mirrorTasks } from "./engine/task-mirror.js";
import { handleOf } from "./instances.js";
import { closeInterruptedJobRuns } from "./jobs.js";
import { reconcileService } from "./reconcile.js";
import type { DeployRuntime } from "./runtime.js";

/**
 * After a deploy was cut short (the agent died): instances caught mid-step are settled, and every
 * service goes back to the active release; services that are not in it stop.
 */
async function recoverInterruptedDeploy(
  rt: DeployRuntime,
  project: string,
  interrupted: readonly string[],
  active: { readonly id: string; readonly content: ReleaseContent } | undefined,
): Promise<void> {
  rt.store.addEvent({
    project,
    kind: "deploy.recovering",
    level: "warning",
    message: `deploy of ${interrupted.join(", ")} was interrupted; returning to ${active?.id ?? "nothing"}`,
  });
  for (const instance of rt.store.listInstances(project)) {
    if (instance.state === "starting") rt.store.setInstanceState(instance.id, "running");
    if (instance.state === "draining") rt.store.setInstanceState(instance.id, "healthy");
  }
  if (!active) return;
  const { spec, artifacts } = active.content;
  for (const service of Object.keys(spec.services)) {
    await reconcileService(rt, spec, service, active.id, artifacts[service]!).catch((error: Error) =>
      rt.store.addEvent({
        project,
        service,
        kind: "deploy.recover-failed",
        level: "error",
        message: error.message,
      }),
    );
  }
  for (const instance of rt.store.listInstances(project)) {
    if (!spec.services[instance.service]) {
      await rt.target.stop(handleOf(instance), "SIGTERM", 10_000);
      rt.store.removeInstance(instance.id);
    }
  }
}

/**
 * What the agent does for each project when it starts: a deploy still marked running was cut short
 * (deploys run inside the agent, whatever its owner PID says: a killed agent lingers as a zombie and
 * PIDs are reused), instances whose process is gone are marked exited, what runs is adopted, and an
 * interrupted deploy returns to the active release.
 */
export async function resumeProject(
  rt: DeployRuntime,
  project: string,
  active: { readonly id: string; readonly content: ReleaseContent } | undefined,
  /** Services of the project's current spec: their interrupted job runs are closed. */
  services: readonly string[],
): Promise<void> {
  const running = rt.store.runningDeploy(project);
  const release = running && rt.store.getRelease(project, running.releaseId);
  const spec = active?.content.spec ?? (release && decodeRelease(release.spec).spec);
  const orchestrator = spec && rt.orchestrator?.(spec);
  if (orchestrator) {
    // The engine supervises its tasks and kept rolling out while no agent ran: follow it again.
    // An engine that does not answer must not keep the agent from starting (the router keeps serving);
    // an interrupted deploy stays open and is resumed at the next start.
    const follow =
      running && running.ownerPid !== process.pid
        ? resumeOnEngine(rt, orchestrator, project, running, active)
        : mirrorTasks(rt, orchestrator, project).then(() => {});
    await follow.catch((error: Error) =>
      rt.store.addEvent({ project, kind: "deploy.recover-failed", level: "error", message: error.message }),
    );
    closeInterruptedJobRuns(rt, project, services);
    return;
  }
  const interrupted =
    running && running.ownerPid !== process.pid ? [rt.store.finishDeploy(running.id, "interrupted")] : [];
  const instances = rt.store.listInstances(project);
  const alive = new Set((await rt.target.adopt(instances.map(handleOf))).map((h) => h.id));
  for (const instance of instances) {
    if (!alive.has(instance.id) && instance.state !== "exited" && instance.state !== "crashloop")
      rt.store.setInstanceState(instance.id, "exited", { lastExitCode: null });
  }
  for (const deploy of interrupted) {
    // A release whose deploy was cut before it went live never served: it failed, it is not `ready`.
    const release = rt.store.getRelease(project, deploy.releaseId);
    if (release && (release.status === "ready" || release.status === "building"))
      rt.store.setReleaseStatus(project, release.id, "failed");
  }
  if (interrupted.length > 0)
    await recoverInterruptedDeploy(
      rt,
      project,
      interrupted.map((d) => d.releaseId),
      active,
    );
  closeInterruptedJobRuns(rt, project, services);
}

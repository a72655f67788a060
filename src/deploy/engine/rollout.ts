import type { AppSpec } from "../../manifest/model.js";
import type { ServiceArtifact } from "../../release/build.js";
import type { Orchestrator, RolloutOutcome, RolloutProgress } from "../../targets/orchestrator.js";
import { DeployFailure } from "../failure.js";
import type { DeployRuntime } from "../runtime.js";
import { mirrorTasks } from "./task-mirror.js";

/** Longest a deploy watches one service's rollout before it reports the engine did not settle. */
const ROLLOUT_TIMEOUT_MS = 15 * 60_000;

const describeProgress = (p: RolloutProgress): string => {
  const nodes = Object.entries(p.byNode).map(([node, count]) => `${node}: ${count}`);
  return `${p.running}/${p.desired} tasks running${nodes.length ? ` (${nodes.join(", ")})` : ""}${p.updateState ? `, update ${p.updateState}` : ""}`;
};

/** Watches a service's rollout to the end, mirroring its tasks into routes as they change. */
export async function watchOnEngine(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  project: string,
  service: string,
  release: string,
): Promise<RolloutOutcome> {
  let mirroring = Promise.resolve();
  let last = "";
  const outcome = await orchestrator.watch(
    project,
    service,
    release,
    (progress) => {
      const detail = describeProgress(progress);
      if (detail !== last) rt.emit({ type: "service", service, phase: "updating", detail });
      last = detail;
      // Routes follow the tasks at every look: a task Swarm stops leaves rotation as soon as it is told to.
      mirroring = mirroring.then(() => mirrorTasks(rt, orchestrator, project).then(() => {}));
    },
    ROLLOUT_TIMEOUT_MS,
  );
  await mirroring;
  await mirrorTasks(rt, orchestrator, project);
  return outcome;
}

/** The deploy failure an unsettled or failed rollout is: the engine's verdict, the task's error, its last lines. */
export function failureOf(
  service: string,
  outcome: Exclude<RolloutOutcome, { status: "converged" }>,
): DeployFailure {
  const detail = `${outcome.message}${outcome.output ? `; last output:\n${outcome.output.trim()}` : ""}`;
  switch (outcome.status) {
    case "paused":
      return new DeployFailure(
        "E_DEPLOY_PAUSED",
        `Swarm paused the update of ${service}: ${detail}`,
        "the update stays paused where it stopped (failure_action: pause); deploy again or `slipway rollback`",
      );
    case "rolled-back":
      return new DeployFailure(
        "E_DEPLOY_ENGINE_ROLLED_BACK",
        `Swarm rolled the update of ${service} back: ${detail}`,
        `the previous release keeps serving; see \`slipway logs ${service}\``,
      );
    default:
      return new DeployFailure(
        "E_DEPLOY_ENGINE_FAILED",
        `${service} did not come up on Swarm: ${detail}`,
        `the previous release keeps serving; see \`slipway ps\` and \`slipway logs ${service}\``,
      );
  }
}

/** Reports an image push (swarm's `x-slipway.registry`) as `pushing` events. */
const pushProgress = (rt: DeployRuntime, service: string) => (detail: string) =>
  rt.emit({ type: "service", service, phase: "pushing", detail });

/** Hands one service of a release to the engine and waits until the engine has settled; throws its failure. */
export async function rollOutOnEngine(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  app: AppSpec,
  service: string,
  release: string,
  artifact: ServiceArtifact,
): Promise<void> {
  rt.emit({
    type: "service",
    service,
    phase: "starting",
    detail: `handing ${release} to ${orchestrator.name}`,
  });
  await orchestrator.apply({ app, service, release, artifact, onProgress: pushProgress(rt, service) });
  const outcome = await watchOnEngine(rt, orchestrator, app.name, service, release);
  if (outcome.status !== "converged") throw failureOf(service, outcome);
}

/**
 * Puts services this deploy changed back on the previous release (or removes them when they are
 * new). A service Swarm already rolled back itself runs the previous release again and is left alone.
 */
export async function revertOnEngine(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  project: string,
  changed: readonly string[],
  previous:
    | {
        readonly id: string;
        readonly spec: AppSpec;
        readonly artifacts: Readonly<Record<string, ServiceArtifact>>;
      }
    | undefined,
): Promise<void> {
  const running = new Map((await orchestrator.services(project)).map((s) => [s.service, s]));
  for (const name of [...changed].reverse()) {
    try {
      const artifact = previous?.artifacts[name];
      if (!previous?.spec.services[name] || !artifact) {
        await orchestrator.remove(project, { service: name });
      } else if (
        running.get(name)?.release !== previous.id ||
        running.get(name)?.updateState === "rollback_paused"
      ) {
        // A rollback Swarm paused half-way is finished by replacing every task with the previous release's.
        const force = running.get(name)?.updateState === "rollback_paused";
        await orchestrator.apply({
          app: previous.spec,
          service: name,
          release: previous.id,
          artifact,
          force,
          onProgress: pushProgress(rt, name),
        });
        const outcome = await watchOnEngine(rt, orchestrator, project, name, previous.id);
        if (outcome.status !== "converged") throw failureOf(name, outcome);
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
  await mirrorTasks(rt, orchestrator, project);
}

/** Services the engine runs that the spec no longer has are removed (their volumes stay). */
export async function removeGoneServices(
  rt: DeployRuntime,
  orchestrator: Orchestrator,
  app: AppSpec,
): Promise<void> {
  for (const { service } of await orchestrator.services(app.name)) {
    if (app.services[service] && !app.services[service]["x-slipway"].schedule) continue;
    rt.emit({ type: "service", service, phase: "stopping" });
    await orchestrator.remove(app.name, { service });
  }
  await mirrorTasks(rt, orchestrator, app.name);
}

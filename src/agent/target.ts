import type { AppSpec } from "../manifest/model.js";
import type { StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { TargetsByRelease } from "../targets/by-release.js";
import type { Orchestrator } from "../targets/orchestrator.js";
import { createOrchestrator, type TargetName } from "../targets/registry.js";
import type { Target } from "../targets/target.js";
import type { ProjectSpecs } from "./project-specs.js";

/**
 * The agent's target: each release runs on the target its spec names (`deploy` refuses one whose
 * target has no driver); what a target cannot honour becomes a `target.warning` event.
 */
export function agentTarget(paths: SlipwayPaths, store: StateStore, specs: ProjectSpecs): Target {
  const targetOf = (project: string, release: string) =>
    (specs.release(project, release)?.spec ?? specs.spec(project))?.["x-slipway"].target;
  const onWarning = (id: string, message: string) => {
    const project = id.split(".")[0] ?? "";
    store.addEvent({ project, kind: "target.warning", level: "warning", message: `${id}: ${message}` });
  };
  return new TargetsByRelease({ paths, onWarning }, targetOf);
}

/** The orchestrator an application's target is (swarm), one per target name; undefined for instance-level targets. */
export function agentOrchestrator(paths: SlipwayPaths): (app: AppSpec) => Orchestrator | undefined {
  const made = new Map<TargetName, Orchestrator | undefined>();
  const onWarning = () => {};
  return (app) => {
    const name = app["x-slipway"].target;
    if (!made.has(name)) made.set(name, createOrchestrator(name, { paths, onWarning }));
    return made.get(name);
  };
}

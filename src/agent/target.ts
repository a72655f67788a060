import type { StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { TargetsByRelease } from "../targets/by-release.js";
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

import type { ObservedState } from "../plan/model.js";
import { decodeRelease } from "../release/content.js";
import { mirrorTasks } from "./engine/task-mirror.js";
import { handleOf } from "./instances.js";
import type { DeployRuntime } from "./runtime.js";

/** What runs now for a project, read from state and checked against the target (is each process still there?). */
export async function observe(rt: DeployRuntime, project: string): Promise<ObservedState> {
  const active = rt.store.activeRelease(project);
  const content = active ? decodeRelease(active.spec) : undefined;
  const orchestrator = content && rt.orchestrator?.(content.spec);
  // An orchestrator's tasks are read from the engine (what it runs now is what is alive).
  if (orchestrator) await mirrorTasks(rt, orchestrator, project);
  const instances = rt.store.listInstances(project);
  const alive = orchestrator
    ? new Set(instances.map((i) => i.id))
    : new Set((await rt.target.adopt(instances.map(handleOf))).map((h) => h.id));
  const lastJobExit: Record<string, number | null> = {};
  for (const service of Object.keys(content?.spec.services ?? {})) {
    const last = rt.store.listJobRuns(project, { service, limit: 1 })[0];
    if (last) lastJobExit[service] = last.exitCode ?? null;
  }
  return {
    active:
      active && content
        ? { id: active.id, hash: active.specHash, spec: content.spec, artifacts: content.artifacts }
        : undefined,
    instances: instances.map((i) => ({
      id: i.id,
      service: i.service,
      release: i.releaseId,
      revision: i.serviceHash,
      state: i.state,
      alive: alive.has(i.id),
    })),
    lastJobExit,
  };
}

import type { StateStore } from "../state/index.js";
import type { KnownInstances, Orphan } from "../targets/target.js";
import type { Agent } from "./agent.js";
import { type Handler, readJson, requireParam, sendJson } from "./http.js";

/** What the state accounts for in a project: its instances and its releases. */
export function knownInstances(store: StateStore, project: string): KnownInstances {
  return {
    instances: new Set(store.listInstances(project).map((instance) => instance.id)),
    releases: new Set(store.listReleases(project).map((release) => release.id)),
  };
}

/** The project's orphans for `slipway ps`; when the target cannot be asked (no engine), why. */
export async function orphansOf(
  agent: Agent,
  project: string,
): Promise<{ orphans: readonly Orphan[]; orphansUnknown?: string }> {
  try {
    return {
      orphans: (await agent.runtime.target.orphans?.(project, knownInstances(agent.store, project))) ?? [],
    };
  } catch (error) {
    return { orphans: [], orphansUnknown: (error as Error).message };
  }
}

/** `--remove-orphans` (`down`, `deploy`): what runs under the project's name but no release knows goes. */
export function orphanRoutes(agent: Agent): Record<string, Handler> {
  return {
    "POST /v1/orphans/remove": async (req, res) => {
      const { project } = (await readJson(req)) as { project?: string };
      const name = requireParam(new URLSearchParams({ project: project ?? "" }), "project");
      const removed = await agent.locks.exclusive(name, async () => {
        const orphans =
          (await agent.runtime.target.removeOrphans?.(name, knownInstances(agent.store, name))) ?? [];
        if (orphans.length > 0)
          agent.store.addEvent({
            project: name,
            kind: "project.orphans-removed",
            level: "info",
            message: `removed ${orphans.map((orphan) => orphan.name).join(", ")}`,
          });
        return orphans;
      });
      sendJson(res, 200, { removed });
    },
  };
}

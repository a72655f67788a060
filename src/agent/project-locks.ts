import { SlipwayError } from "../errors.js";
import type { StateStore } from "../state/index.js";

/** One deploy, rollback, restart, restore or `down` per project at a time; a second is refused, not queued. */
export class ProjectLocks {
  private readonly busy = new Set<string>();

  constructor(private readonly store: StateStore) {}

  async exclusive<T>(project: string, run: () => Promise<T>): Promise<T> {
    if (this.busy.has(project)) {
      const running = this.store.runningDeploy(project);
      throw new SlipwayError({
        code: "E_DEPLOY_IN_PROGRESS",
        message: `a deploy of ${project}${running ? ` (${running.releaseId}, started ${new Date(running.startedAt).toISOString()})` : ""} is in progress`,
        hint: "wait for it to finish (`slipway ps`), then try again",
      });
    }
    this.busy.add(project);
    try {
      return await run();
    } finally {
      this.busy.delete(project);
    }
  }
}

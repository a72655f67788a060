import type { Release, StateStore } from "../state/index.js";
import { encodeRelease, type ReleaseContent } from "./content.js";

/** The release of the project's last deploy when that deploy paused mid-rollout (`failure_action: pause`). */
function pausedRelease(store: StateStore, project: string): Release | undefined {
  const [last] = store.listDeploys(project, 1);
  const code = (last?.error as { code?: string } | undefined)?.code;
  return last?.status === "failed" && code === "E_DEPLOY_PAUSED"
    ? store.getRelease(project, last.releaseId)
    : undefined;
}

/**
 * Stores a release as the value it is (frozen spec, artifacts, content hash). The same content as
 * the active release is not a new release: the active one is returned, and the deploy converges to it.
 * The same content as a paused rollout's release is that release too, so the rollout resumes: the
 * instances it already replaced are kept.
 */
export function recordRelease(
  store: StateStore,
  project: string,
  content: ReleaseContent,
  hash: string,
  artifactsDir: string,
): Release {
  const active = store.activeRelease(project);
  if (active?.specHash === hash) return active;
  const paused = pausedRelease(store, project);
  if (paused?.specHash === hash) return paused;
  return store.insertRelease({
    project,
    createdAt: Date.now(),
    specHash: hash,
    spec: encodeRelease(content),
    artifactsDir,
    status: "ready",
  });
}

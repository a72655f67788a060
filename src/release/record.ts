import type { Release, StateStore } from "../state/index.js";
import { encodeRelease, type ReleaseContent } from "./content.js";

/**
 * Stores a release as the value it is (frozen spec, artifacts, content hash). The same content as
 * the active release is not a new release: the active one is returned, and the deploy converges to it.
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
  return store.insertRelease({
    project,
    createdAt: Date.now(),
    specHash: hash,
    spec: encodeRelease(content),
    artifactsDir,
    status: "ready",
  });
}

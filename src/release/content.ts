import type { AppSpec } from "../manifest/model.js";
import { deserializeAppSpec, serializeAppSpec } from "../manifest/serialize.js";
import type { ServiceArtifact } from "./build.js";

/** What a release is: the spec it was made from and each service's built artifact. Immutable. */
export interface ReleaseContent {
  readonly spec: AppSpec;
  readonly artifacts: Readonly<Record<string, ServiceArtifact>>;
}

/** The JSON kept in state for a release. */
export function encodeRelease(content: ReleaseContent): unknown {
  return { spec: serializeAppSpec(content.spec), artifacts: content.artifacts };
}

export function decodeRelease(stored: unknown): ReleaseContent {
  const { spec, artifacts } = stored as { spec: string; artifacts: Record<string, ServiceArtifact> };
  return { spec: deserializeAppSpec(spec), artifacts };
}

import { existsSync } from "node:fs";
import type { AppSpec } from "../../../manifest/model.js";
import { artifactHash, serviceRevision } from "../../../release/build.js";
import { freezeApp } from "../../../release/freeze.js";
import { sha256, stableJson } from "../../../release/hash.js";
import type { KubernetesRelease } from "./model.js";

type TopLevelSecret = NonNullable<AppSpec["secrets"]>[string];

/** A secret without its source: the release references a Secret in the cluster instead of reading a value. */
function withoutSource(secret: TopLevelSecret): TopLevelSecret {
  if (!secret) return secret;
  const { file: _file, environment: _environment, ...rest } = secret;
  return { ...rest, external: true };
}

/**
 * The release a project becomes on Kubernetes, as a value: the spec frozen as every target freezes it
 * (env files read in), each service's revision and build hash, and the content hash as its id. Secret
 * values are read only when they are to be written out (`includeSecretValues`); otherwise they stay out
 * of the release and of its id.
 */
export function kubernetesRelease(app: AppSpec, includeSecretValues = false): KubernetesRelease {
  const input: AppSpec = includeSecretValues
    ? app
    : app.secrets
      ? {
          ...app,
          secrets: Object.fromEntries(
            Object.entries(app.secrets).map(([key, secret]) => [key, withoutSource(secret)]),
          ),
        }
      : app;
  const spec = freezeApp(input);
  const buildHashes = Object.fromEntries(Object.values(spec.services).map((s) => [s.name, buildHashOf(s)]));
  const revisions = Object.fromEntries(
    Object.values(spec.services).map((s) => [s.name, serviceRevision(s, buildHashes[s.name]!)]),
  );
  // The content hash as release/create.ts makes it: equal inputs, equal release id on every target.
  const { files: _files, ...content } = spec;
  return { id: sha256(stableJson({ spec: content, revisions })).slice(0, 12), spec, revisions, buildHashes };
}

/**
 * The build hash of a service (its image tag); a build context that is not on this machine (a Git URL,
 * a checkout elsewhere) is hashed by its settings alone, as the image is built and pushed elsewhere.
 */
function buildHashOf(service: AppSpec["services"][string]): string {
  if (!service.build || existsSync(service.build.context)) return artifactHash(service);
  return sha256(stableJson({ build: service.build })).slice(0, 16);
}

import type { AppSpec } from "../manifest/model.js";
import {
  artifactHash,
  buildModeOf,
  buildService,
  isArtifactBuilt,
  type ServiceArtifact,
  serviceRevision,
} from "./build.js";
import type { ReleaseContent } from "./content.js";
import { freezeApp } from "./freeze.js";
import { sha256, stableJson } from "./hash.js";

/** One service of a release about to be made: its revision, its artifact's hash, and whether that is built. */
export interface DraftService {
  readonly revision: string;
  readonly buildHash: string;
  /** The artifact exists already (an earlier release built it): nothing to build. */
  readonly built: boolean;
}

/** A release before its artifacts are built: every input frozen, every hash known. What `plan` shows. */
export interface ReleaseDraft {
  /** The spec with `env_file` contents read into `environment`. */
  readonly spec: AppSpec;
  readonly services: Readonly<Record<string, DraftService>>;
  /** Content hash of the whole release: equal hashes, equal releases. */
  readonly hash: string;
}

/** Freezes the app's inputs and hashes them; reads files (env files, build contexts) but builds nothing. */
export function draftRelease(app: AppSpec, artifactsRoot: string): ReleaseDraft {
  const spec = freezeApp(app);
  const services = Object.fromEntries(
    Object.values(spec.services).map((service) => {
      const buildHash = artifactHash(service);
      return [
        service.name,
        {
          revision: serviceRevision(service, buildHash),
          buildHash,
          built: isArtifactBuilt(artifactsRoot, service, buildHash, buildModeOf(spec)),
        },
      ];
    }),
  );
  const { files: _files, ...content } = spec;
  const revisions = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.revision]));
  const hash = sha256(stableJson({ spec: content, revisions }));
  return { spec, services, hash };
}

/** Builds every artifact the draft still lacks (in order, by the draft's hashes), reusing the others; the release's content. */
export async function buildRelease(
  draft: ReleaseDraft,
  artifactsRoot: string,
  onProgress: (service: string, line: string | undefined) => void,
): Promise<ReleaseContent> {
  const artifacts: Record<string, ServiceArtifact> = {};
  for (const service of Object.values(draft.spec.services)) {
    let built = false;
    artifacts[service.name] = await buildService(
      service,
      draft.services[service.name]!,
      artifactsRoot,
      (line) => {
        built = true;
        onProgress(service.name, line);
      },
      buildModeOf(draft.spec),
    );
    if (built) onProgress(service.name, undefined);
  }
  return { spec: draft.spec, artifacts };
}

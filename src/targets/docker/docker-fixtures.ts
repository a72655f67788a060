import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifest } from "../../manifest/load.js";
import { artifactHash, serviceRevision } from "../../release/build.js";
import type { ConformanceFixtures } from "../conformance/suite.js";
import { processFixtures } from "../process/process-fixtures.js";
import type { InstanceRequest } from "../target.js";

/** The local base image the Docker tests build FROM (made by scripts/docker-base-images.sh). */
export const LOCAL_NODE_IMAGE = "slipway-local/node:20";

/** Conformance fixtures for containers: the same shell commands, in an image built FROM the local Node base. */
export const dockerFixtures: ConformanceFixtures = {
  ...processFixtures,
  contextFiles: { Dockerfile: `FROM ${LOCAL_NODE_IMAGE}\n` },
};

/**
 * An instance request for service `api` of project `project`, its spec made by the real manifest
 * loader from `service` (a Compose service as JSON; `build` defaults to `dir`).
 */
export function dockerRequest(
  dir: string,
  service: Record<string, unknown>,
  options: { project?: string; kind?: InstanceRequest["kind"]; release?: string; volumes?: string[] } = {},
): InstanceRequest {
  const project = options.project ?? "shop";
  const release = options.release ?? "r1";
  const file = join(dir, `compose-${randomUUID().slice(0, 8)}.json`);
  const volumes = Object.fromEntries((options.volumes ?? []).map((name) => [name, {}]));
  writeFileSync(
    file,
    JSON.stringify({ name: project, services: { api: { build: dir, ...service } }, volumes }),
  );
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  const api = spec.services.api!;
  const buildHash = artifactHash(api);
  return {
    id: `${project}.api.${release}.${randomUUID().slice(0, 6)}`,
    project,
    service: "api",
    release,
    index: 0,
    kind: options.kind ?? "service",
    spec: api,
    artifact: { hash: serviceRevision(api, buildHash), buildHash },
    projectDirectory: dir,
    port: 0,
  };
}

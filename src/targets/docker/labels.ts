import type { InstanceRequest } from "../target.js";

/** Label keys slipway puts on what it makes in Docker; Compose's own let `docker compose ps` users recognise them. */
export const LABEL = {
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  containerNumber: "com.docker.compose.container-number",
  oneoff: "com.docker.compose.oneoff",
  volume: "com.docker.compose.volume",
  managed: "dev.slipway.managed",
  instance: "dev.slipway.instance",
  release: "dev.slipway.release",
  revision: "dev.slipway.revision",
  kind: "dev.slipway.kind",
} as const;

/** The labels of one instance's container: the service's own, then Compose's and slipway's (which win). */
export function containerLabels(request: InstanceRequest): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.spec.labels ?? {})) own[key] = value ?? "";
  return {
    ...own,
    [LABEL.project]: request.project,
    [LABEL.service]: request.service,
    [LABEL.containerNumber]: String(request.index + 1),
    [LABEL.oneoff]: request.kind === "job" ? "True" : "False",
    [LABEL.managed]: "true",
    [LABEL.instance]: request.id,
    [LABEL.release]: request.release,
    [LABEL.revision]: request.artifact.hash,
    [LABEL.kind]: request.kind,
  };
}

/** Labels of a named volume of a project (`docker volume ls --filter label=…` finds them). */
export function volumeLabels(project: string, volume: string): Record<string, string> {
  return { [LABEL.project]: project, [LABEL.volume]: volume, [LABEL.managed]: "true" };
}

/** Docker's name of a project's named volume, as Compose names it: `<project>_<volume>`. */
export const volumeName = (project: string, volume: string): string => `${project}_${volume}`;

/** Container names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]`: anything else in an instance id becomes `_`. */
export const containerName = (instanceId: string): string => instanceId.replace(/[^a-zA-Z0-9_.-]/g, "_");

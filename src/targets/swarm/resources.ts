import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type Dockerode from "dockerode";
import type { AppSpec, ServiceSpec } from "../../manifest/model.js";
import type { SecretStore } from "../../secrets/store.js";
import { contentVersion, projectLabels, versionedName } from "./names.js";
import type { SwarmFileRef } from "./service-spec.js";

/** `NAME@VERSION`: a sealed release's secret grant (see secrets/deliver.ts). */
const PINNED_SOURCE = /^([a-zA-Z0-9][a-zA-Z0-9._-]*)@(\d+)$/;

interface Grant {
  readonly source: string;
  readonly target?: string | undefined;
  readonly uid?: string | undefined;
  readonly gid?: string | undefined;
  readonly mode?: number | undefined;
}

/** Finds a secret or config by name, or creates it with `data` (they are immutable: a name is one content). */
async function ensureObject(
  docker: Dockerode,
  kind: "secret" | "config",
  name: string,
  data: Buffer,
  labels: Record<string, string>,
): Promise<string> {
  const list = kind === "secret" ? docker.listSecrets.bind(docker) : docker.listConfigs.bind(docker);
  const found = (
    (await list({ filters: { name: [name] } })) as { ID: string; Spec?: { Name?: string } }[]
  ).find((object) => object.Spec?.Name === name);
  if (found) return found.ID;
  const spec = { Name: name, Labels: labels, Data: data.toString("base64") };
  const created = (await (kind === "secret" ? docker.createSecret(spec) : docker.createConfig(spec))) as {
    id?: string;
    ID?: string;
  };
  return created.id ?? created.ID ?? name;
}

/**
 * The service's `secrets:` as Swarm secrets, one per secret version (`<project>_<name>_v<version>`),
 * mounted under /run/secrets; the values come from slipway's encrypted store and go only to the engine.
 */
export async function swarmSecrets(
  docker: Dockerode,
  store: SecretStore,
  project: string,
  service: ServiceSpec,
): Promise<SwarmFileRef[]> {
  const refs: SwarmFileRef[] = [];
  for (const entry of service.secrets) {
    const grant: Grant = entry;
    const pinned = PINNED_SOURCE.exec(grant.source);
    if (!pinned) continue;
    const name = versionedName(project, pinned[1]!, `v${pinned[2]}`);
    const value = Buffer.from(await store.get(project, pinned[1]!, Number(pinned[2])));
    const id = await ensureObject(docker, "secret", name, value, projectLabels(project));
    refs.push({
      id,
      name,
      target: basename(grant.target ?? pinned[1]!),
      uid: grant.uid,
      gid: grant.gid,
      mode: grant.mode ?? 0o400,
    });
  }
  return refs;
}

/** The service's `configs:` as Swarm configs named by their content (`<project>_<name>_<sha256:12>`). */
export async function swarmConfigs(
  docker: Dockerode,
  app: Pick<AppSpec, "configs">,
  project: string,
  service: ServiceSpec,
): Promise<SwarmFileRef[]> {
  const refs: SwarmFileRef[] = [];
  for (const entry of service.configs) {
    const grant: Grant = entry;
    const config = app.configs[grant.source] as { file?: string; content?: string } | undefined;
    const data =
      config?.content !== undefined
        ? Buffer.from(config.content)
        : config?.file !== undefined
          ? readFileSync(config.file)
          : undefined;
    if (!data) continue;
    const name = versionedName(project, grant.source, contentVersion(data));
    const id = await ensureObject(docker, "config", name, data, projectLabels(project));
    refs.push({
      id,
      name,
      target: grant.target ?? `/${grant.source}`,
      uid: grant.uid,
      gid: grant.gid,
      mode: grant.mode,
    });
  }
  return refs;
}

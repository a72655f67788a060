import type { AppSpec } from "../../manifest/model.js";
import { connectCluster } from "./cluster/connect.js";
import type { Emit } from "./cluster/events.js";
import { activeRecord, listRecords } from "./cluster/history.js";
import { type PodRow, projectLogs, projectPods, takeDown } from "./cluster/inspect.js";
import { type RolloutOutcome, rollbackTarget, rollOutRelease } from "./cluster/rollout.js";
import { settingsOf } from "./render/model.js";
import { kubeName } from "./render/names.js";
import { startLevels } from "./render/order.js";
import { renderKubernetes } from "./render/render.js";
import { validateObjects } from "./validate.js";

/**
 * The kubernetes target's operations, as the CLI calls them. The cluster runs the services and its
 * controllers roll them out; slipway renders, applies (server-side), watches and rolls back, and keeps
 * the release history in the cluster, so no agent is involved.
 */

/** Which cluster: `--context`, else `x-slipway.kubernetes.context`, else the kubeconfig's current one. */
const connect = (app: AppSpec, context: string | undefined) =>
  connectCluster(context ?? settingsOf(app).context);

/**
 * Renders, validates and rolls out the project's release; a failure puts the previous release back.
 * `includeSecretValues` writes the Secrets from the secrets' sources (default: they must exist).
 */
export async function deployKubernetes(
  app: AppSpec,
  options: { readonly context?: string | undefined; readonly includeSecretValues?: boolean | undefined },
  emit: Emit,
): Promise<RolloutOutcome> {
  const { context, includeSecretValues } = options;
  const { release, settings, objects, warnings } = renderKubernetes(app, { includeSecretValues });
  for (const message of warnings) emit({ type: "log", level: "warning", message });
  await validateObjects(objects);
  const client = await connect(app, context);
  return rollOutRelease(
    client,
    {
      id: release.id,
      project: kubeName(app.name),
      settings,
      objects,
      kind: "deploy",
      levels: startLevels(release.spec),
    },
    emit,
  );
}

/** Applies an earlier release's objects again (the previous one, or the one named); migrations do not run again. */
export async function rollbackKubernetes(
  app: AppSpec,
  named: string | undefined,
  context: string | undefined,
  emit: Emit,
): Promise<RolloutOutcome> {
  const settings = settingsOf(app);
  const client = await connect(app, context);
  const target = rollbackTarget(await listRecords(client, kubeName(app.name), settings.namespace), named);
  return rollOutRelease(
    client,
    { id: target.id, project: kubeName(app.name), settings, objects: target.objects, kind: "rollback" },
    emit,
  );
}

export async function psKubernetes(
  app: AppSpec,
  context: string | undefined,
): Promise<{ release?: string | undefined; pods: PodRow[] }> {
  const { namespace } = settingsOf(app);
  const client = await connect(app, context);
  const records = await listRecords(client, kubeName(app.name), namespace);
  return {
    release: activeRecord(records)?.id,
    pods: await projectPods(client, kubeName(app.name), namespace),
  };
}

export async function logsKubernetes(
  app: AppSpec,
  service: string | undefined,
  tail: number | undefined,
  context: string | undefined,
) {
  const client = await connect(app, context);
  return projectLogs(
    client,
    kubeName(app.name),
    settingsOf(app).namespace,
    service ? kubeName(service) : undefined,
    tail,
  );
}

export async function downKubernetes(
  app: AppSpec,
  volumes: boolean,
  context: string | undefined,
  emit: Emit,
): Promise<number> {
  const client = await connect(app, context);
  return takeDown(client, kubeName(app.name), settingsOf(app).namespace, volumes, emit);
}

/** The project's releases in the cluster, newest first (without their objects). */
export async function releasesKubernetes(app: AppSpec, context: string | undefined) {
  const client = await connect(app, context);
  const records = await listRecords(client, kubeName(app.name), settingsOf(app).namespace);
  return records.map(({ objects: _objects, ...record }) => record);
}

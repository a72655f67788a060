import { SlipwayError } from "../../../errors.js";
import { ROLE_ANNOTATION } from "../render/jobs.js";
import type { KubeObject, KubernetesSettings } from "../render/model.js";
import { LABEL } from "../render/names.js";
import type { ClusterClient } from "./connect.js";
import type { Emit } from "./events.js";
import {
  activeRecord,
  isApplicable,
  listRecords,
  type ReleaseRecord,
  saveRecord,
  trimHistory,
} from "./history.js";
import { applyObject, deleteObject } from "./objects.js";
import { prune, rollOutAll, runMigration } from "./steps.js";

/** A release to make live: its id, its objects, and whether it is a rollback (no migrations run again). */
export interface ReleaseToRollOut {
  readonly id: string;
  /** The project's name as a label value. */
  readonly project: string;
  readonly settings: KubernetesSettings;
  readonly objects: readonly KubeObject[];
  readonly kind: "deploy" | "rollback";
  /** Service names (`app.kubernetes.io/name`) in start order; default: all at once (a rollback). */
  readonly levels?: readonly (readonly string[])[] | undefined;
}

export interface RolloutOutcome {
  readonly status: "succeeded" | "rolled-back";
  readonly release: string;
  readonly error?: SlipwayError | undefined;
}

const SUPPORTING = new Set(["ConfigMap", "Secret", "Service", "NetworkPolicy"]);
const WORKLOADS = new Set(["Deployment", "StatefulSet"]);
const AFTER = new Set(["HorizontalPodAutoscaler", "PodDisruptionBudget", "CronJob", "Ingress"]);
const isMigration = (o: KubeObject) =>
  o.kind === "Job" && o.metadata.annotations?.[ROLE_ANNOTATION] === "migration";
const now = () => new Date().toISOString();

/**
 * Makes a release live: namespace, supporting objects (config, Services, NetworkPolicies), then the
 * migration Jobs, waited for; then the Deployments and StatefulSets, each rollout watched to its end;
 * then autoscalers, budgets, CronJobs and Ingresses; then what the release no longer has is removed.
 * Any failure puts the previous release's objects back (and removes what this one added), watches
 * them return, and marks this release failed in the cluster's history.
 */
export async function rollOutRelease(
  client: ClusterClient,
  release: ReleaseToRollOut,
  emit: Emit,
): Promise<RolloutOutcome> {
  const { project, settings, objects } = release;
  const { namespace } = settings;
  for (const object of objects.filter((o) => o.kind === "Namespace")) await applyObject(client, object);
  const records = await listRecords(client, project, namespace);
  const active = activeRecord(records);
  const previous = active && active.id !== release.id ? active : undefined;
  const earlier = records.find((r) => r.id === release.id);
  const created = earlier?.created ?? now();
  // A release that was live before ran its migrations then: deploying it again does not run them twice.
  const migrate =
    release.kind === "deploy" && earlier?.status !== "deployed" && earlier?.status !== "superseded";
  emit({ type: "deploy.started", deployId: 0, release: release.id, from: previous?.id });
  const record = (status: ReleaseRecord["status"], deployed?: string): ReleaseRecord => ({
    id: release.id,
    status,
    created,
    deployed,
    objects,
  });
  if (release.kind === "deploy") await saveRecord(client, project, namespace, record("pending"));
  const of = (kinds: Set<string>) => objects.filter((o) => kinds.has(o.kind) && isApplicable(o));
  try {
    for (const object of of(SUPPORTING)) await applyObject(client, object);
    for (const level of inLevels(objects, release.levels)) {
      if (migrate) for (const job of level.filter(isMigration)) await runMigration(client, job, emit);
      const workloads = level.filter((o) => WORKLOADS.has(o.kind) && isApplicable(o));
      await rollOutAll(client, workloads, settings.progressDeadlineSeconds, emit);
    }
    for (const object of of(AFTER)) await applyObject(client, object);
    await prune(client, project, namespace, objects, emit);
    await saveRecord(client, project, namespace, record("deployed", now()));
    if (previous) await saveRecord(client, project, namespace, { ...previous, status: "superseded" });
    await trimHistory(client, project, namespace);
    emit({ type: "deploy.finished", status: "succeeded", release: release.id });
    return { status: "succeeded", release: release.id };
  } catch (cause) {
    const error =
      cause instanceof SlipwayError
        ? cause
        : new SlipwayError(
            { code: "E_K8S_API", message: String((cause as Error)?.message ?? cause) },
            { cause },
          );
    emit({ type: "log", level: "error", message: error.message });
    // Back to the live release (itself, when this deploy re-applied it); with none, this one's objects go.
    await restore(client, release, active, emit);
    if (release.kind === "deploy")
      await saveRecord(client, project, namespace, record("failed")).catch(() => undefined);
    emit({
      type: "deploy.finished",
      status: "rolled-back",
      release: release.id,
      error: { code: error.code, message: error.message, hint: error.hint },
    });
    return { status: "rolled-back", release: release.id, error };
  }
}

/**
 * Puts the live release's objects back (not its Jobs: its migrations ran once) and removes what the
 * failed release added. With no live release (a first deploy), deletes the failed release's own
 * objects (never Secrets, claims or Jobs), nothing else of the project.
 */
async function restore(
  client: ClusterClient,
  failed: ReleaseToRollOut,
  live: ReleaseRecord | undefined,
  emit: Emit,
): Promise<void> {
  const { project, settings } = failed;
  try {
    if (!live) {
      for (const object of failed.objects.filter((o) => !["Job", "Namespace", "Secret"].includes(o.kind)))
        await deleteObject(client, object);
      emit({
        type: "log",
        level: "warning",
        message: "no earlier release: the failed release's objects were removed",
      });
      return;
    }
    const objects = live.objects.filter((o) => o.kind !== "Job" && o.kind !== "Namespace");
    for (const object of objects.filter((o) => !WORKLOADS.has(o.kind) && isApplicable(o)))
      await applyObject(client, object);
    await prune(client, project, settings.namespace, objects, emit);
    await rollOutAll(
      client,
      objects.filter((o) => WORKLOADS.has(o.kind)),
      settings.progressDeadlineSeconds,
      (event) => {
        if (event.type === "service" && event.phase === "healthy")
          emit({ ...event, phase: "rolled-back", detail: `back on ${live.id}` });
      },
    );
  } catch (error) {
    emit({
      type: "log",
      level: "error",
      message: `putting release ${live?.id ?? "(none)"} back failed: ${(error as Error).message}`,
    });
  }
}

/** The release's Jobs and workloads by start level (what no level names comes last). */
function inLevels(
  objects: readonly KubeObject[],
  levels: readonly (readonly string[])[] = [],
): KubeObject[][] {
  const steps = objects.filter((o) => WORKLOADS.has(o.kind) || isMigration(o));
  const service = (o: KubeObject) => o.metadata.labels?.[LABEL.name] ?? o.metadata.name;
  const placed = new Set(levels.flat());
  return [
    ...levels.map((names) => steps.filter((o) => names.includes(service(o)))),
    steps.filter((o) => !placed.has(service(o))),
  ].filter((level) => level.length > 0);
}

/** The release `rollback` goes back to: the one named, else the newest one before the live one. */
export function rollbackTarget(records: readonly ReleaseRecord[], named: string | undefined): ReleaseRecord {
  const active = activeRecord(records);
  const target = named
    ? records.find((r) => r.id === named || r.id.startsWith(named))
    : records.find((r) => r.id !== active?.id && (r.status === "superseded" || r.status === "deployed"));
  if (!target)
    throw new SlipwayError({
      code: "E_K8S_NO_RELEASE",
      message: named
        ? `the cluster has no release ${named} of this project`
        : "the cluster has no earlier release of this project to go back to",
      hint: `releases in the cluster: ${records.map((r) => `${r.id} (${r.status})`).join(", ") || "none"}`,
    });
  return target;
}

import { SlipwayError } from "../../../errors.js";
import type { KubeObject } from "../render/model.js";
import { LABEL } from "../render/names.js";
import type { ClusterClient } from "./connect.js";
import { failingPodReport } from "./diagnose.js";
import type { Emit } from "./events.js";
import { isRecord } from "./history.js";
import {
  applyObject,
  deleteObject,
  type LiveObject,
  listObjects,
  OWNED_KINDS,
  projectSelector,
  readObject,
  refOf,
} from "./objects.js";
import { deploymentProgress, jobProgress, statefulSetProgress, waitFor } from "./watch.js";

const serviceOf = (object: KubeObject | LiveObject): string =>
  object.metadata.labels?.[LABEL.name] ?? object.metadata.name;

/** Slack on top of a Deployment's own deadline: its controller reports the miss first, with its reason. */
const GRACE_MS = 30_000;

/**
 * Runs a migration Job to its end. A Job of this name that failed before is deleted first, so a
 * deploy of the same release tries again; one that completed is not run twice.
 */
export async function runMigration(client: ClusterClient, job: KubeObject, emit: Emit): Promise<void> {
  const service = serviceOf(job);
  const ref = refOf(job);
  const before = await readObject(client, ref);
  const progress = before ? jobProgress(before) : undefined;
  if (progress && !progress.done && progress.failed) {
    await deleteObject(client, ref);
    await waitFor(
      client,
      ref,
      () => ({ done: false, waiting: "deleting the failed run" }),
      30_000,
      () => {},
    ).catch(() => undefined);
  }
  await applyObject(client, job);
  emit({ type: "service", service, phase: "migrating", detail: `Job ${job.metadata.name}` });
  const deadline =
    (((job.spec as LiveObject)?.activeDeadlineSeconds as number | undefined) ?? 600) * 1000 + GRACE_MS;
  const result = await waitFor(client, ref, jobProgress, deadline, (why) =>
    emit({ type: "service", service, phase: "migrating", detail: why }),
  );
  if (!result.ok) {
    const report = await failingPodReport(client, job.metadata.namespace!, { "job-name": job.metadata.name });
    emit({ type: "service", service, phase: "failed", detail: result.reason });
    throw new SlipwayError({
      code: "E_K8S_MIGRATION_FAILED",
      message: `the migration Job ${job.metadata.name} of ${service} failed: ${result.reason}${report ? `\n    ${report}` : ""}`,
      hint: `the previous release keeps serving; fix the migration and deploy again (kubectl -n ${job.metadata.namespace} logs job/${job.metadata.name})`,
    });
  }
  emit({ type: "service", service, phase: "completed" });
}

/** Applies a Deployment or StatefulSet and watches its rollout to the end; rejects with the failing pod's story. */
export async function rollOut(
  client: ClusterClient,
  workload: KubeObject,
  deadlineSeconds: number,
  emit: Emit,
): Promise<void> {
  const service = serviceOf(workload);
  const applied = await applyObject(client, workload);
  const generation: number = applied.metadata?.generation ?? 1;
  emit({ type: "service", service, phase: "starting", detail: `${workload.kind} ${workload.metadata.name}` });
  const deployment = workload.kind === "Deployment";
  const result = await waitFor(
    client,
    refOf(workload),
    (live) => (deployment ? deploymentProgress(live, generation) : statefulSetProgress(live, generation)),
    deadlineSeconds * 1000 + (deployment ? GRACE_MS : 0),
    (why) => emit({ type: "service", service, phase: "starting", detail: why }),
  );
  if (result.ok) {
    emit({ type: "service", service, phase: "healthy" });
    return;
  }
  const spec = workload.spec as LiveObject;
  const labels = {
    ...spec.selector.matchLabels,
    [LABEL.revision]: spec.template.metadata.labels[LABEL.revision],
  };
  const report = await failingPodReport(client, workload.metadata.namespace!, labels);
  emit({ type: "service", service, phase: "failed", detail: result.reason });
  throw new SlipwayError({
    code: "E_K8S_ROLLOUT_FAILED",
    message: `${workload.kind} ${workload.metadata.name} did not finish its rollout: ${result.reason}${report ? `\n    ${report}` : ""}`,
    hint: "the previous release's objects were applied again; fix the cause above and deploy again",
  });
}

/** Rolls out workloads side by side; rejects with every failure once all have ended. */
export async function rollOutAll(
  client: ClusterClient,
  workloads: readonly KubeObject[],
  deadlineSeconds: number,
  emit: Emit,
): Promise<void> {
  const results = await Promise.allSettled(workloads.map((w) => rollOut(client, w, deadlineSeconds, emit)));
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason as SlipwayError);
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1)
    throw new SlipwayError(
      failures.flatMap((f) => f.problems ?? [{ code: "E_K8S_ROLLOUT_FAILED", message: String(f) }]),
    );
}

/**
 * Deletes the project's objects that `keep` does not name (a removed service, a failed release's
 * additions): every owned kind, never Namespaces, PersistentVolumeClaims, Jobs or release records,
 * and Secrets only when `secrets` (a later release that references a Secret rather than writing it
 * still needs it; `down` takes them).
 */
export async function prune(
  client: ClusterClient,
  project: string,
  namespace: string,
  keep: readonly KubeObject[],
  emit: Emit,
  secrets = false,
): Promise<number> {
  const kept = new Set(keep.map((o) => `${o.kind}/${o.metadata.name}`));
  let deleted = 0;
  for (const [apiVersion, kind] of OWNED_KINDS) {
    if (kind === "Secret" && !secrets) continue;
    for (const live of await listObjects(client, apiVersion, kind, namespace, projectSelector(project))) {
      if (kept.has(`${kind}/${live.metadata.name}`) || isRecord(live)) continue;
      await deleteObject(client, refOf(live));
      emit({ type: "log", level: "info", message: `removed ${kind} ${live.metadata.name}` });
      deleted++;
    }
  }
  return deleted;
}

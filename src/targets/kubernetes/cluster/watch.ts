import type { ClusterClient } from "./connect.js";
import { type LiveObject, type ObjectRef, readObject } from "./objects.js";

/** How often a rollout or a Job is polled. */
const POLL_MS = 250;

export type Progress =
  | { readonly done: true }
  | { readonly done: false; readonly failed?: string; readonly waiting: string };

/**
 * Where a Deployment's rollout is, as `kubectl rollout status` judges it: the controller has seen
 * this generation, every replica is updated and available and no old one is left; failed when the
 * `Progressing` condition reports `ProgressDeadlineExceeded`.
 */
export function deploymentProgress(live: LiveObject, generation: number): Progress {
  const status = live.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return { done: false, waiting: "the controller has not seen this generation yet" };
  const progressing = (status.conditions ?? []).find((c: LiveObject) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    return { done: false, failed: progressing.message ?? "progress deadline exceeded", waiting: "" };
  const wanted = live.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < wanted) return { done: false, waiting: `${updated} of ${wanted} replicas updated` };
  if ((status.replicas ?? 0) > updated)
    return { done: false, waiting: `${status.replicas - updated} old replicas terminating` };
  if ((status.availableReplicas ?? 0) < updated)
    return {
      done: false,
      waiting: `${status.availableReplicas ?? 0} of ${updated} updated replicas available`,
    };
  return { done: true };
}

/** Where a StatefulSet's rollout is: this generation seen, every replica updated and ready, one revision. */
export function statefulSetProgress(live: LiveObject, generation: number): Progress {
  const status = live.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return { done: false, waiting: "the controller has not seen this generation yet" };
  const wanted = live.spec?.replicas ?? 1;
  if ((status.updatedReplicas ?? 0) < wanted)
    return { done: false, waiting: `${status.updatedReplicas ?? 0} of ${wanted} replicas updated` };
  if ((status.readyReplicas ?? 0) < wanted)
    return { done: false, waiting: `${status.readyReplicas ?? 0} of ${wanted} replicas ready` };
  if (status.updateRevision && status.currentRevision !== status.updateRevision)
    return { done: false, waiting: "replicas still on the old revision" };
  return { done: true };
}

/** Where a Job is: done when Complete, failed when Failed (with its reason). */
export function jobProgress(live: LiveObject): Progress {
  const conditions: LiveObject[] = live.status?.conditions ?? [];
  const holds = (type: string) => conditions.find((c) => c.type === type && c.status === "True");
  if (holds("Complete") || holds("SuccessCriteriaMet")) return { done: true };
  const failed = holds("Failed") ?? holds("FailureTarget");
  if (failed)
    return {
      done: false,
      failed: `${failed.reason ?? "Failed"}: ${failed.message ?? "the Job failed"}`,
      waiting: "",
    };
  return { done: false, waiting: `${live.status?.active ?? 0} running` };
}

/**
 * Polls an object until `judge` says it is done (resolves) or failed, or `deadlineMs` passes (rejects
 * with the reason). The clock is slipway's own, so a StatefulSet (no progress deadline) cannot hang a deploy.
 */
export async function waitFor(
  client: ClusterClient,
  ref: ObjectRef,
  judge: (live: LiveObject) => Progress,
  deadlineMs: number,
  onWaiting: (why: string) => void,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const until = Date.now() + deadlineMs;
  let last = "";
  for (;;) {
    const live = await readObject(client, ref);
    if (!live) return { ok: false, reason: `${ref.kind} ${ref.metadata.name} disappeared` };
    const progress = judge(live);
    if (progress.done) return { ok: true };
    if (progress.failed) return { ok: false, reason: progress.failed };
    if (progress.waiting !== last) {
      last = progress.waiting;
      onWaiting(last);
    }
    if (Date.now() > until)
      return {
        ok: false,
        reason: `no progress within ${Math.round(deadlineMs / 1000)}s (${progress.waiting})`,
      };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

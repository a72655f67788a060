import { LABEL } from "../render/names.js";
import type { ClusterClient } from "./connect.js";
import { podReason } from "./diagnose.js";
import type { Emit } from "./events.js";
import { deleteObject, listObjects, projectSelector, refOf } from "./objects.js";
import { prune } from "./steps.js";

/** One pod of the project, as `ps` lists it. */
export interface PodRow {
  readonly service: string;
  readonly pod: string;
  readonly state: string;
  readonly ready: string;
  readonly restarts: number;
  readonly startedAt?: string | undefined;
}

/** The project's pods, by service. */
export async function projectPods(
  client: ClusterClient,
  project: string,
  namespace: string,
): Promise<PodRow[]> {
  const pods = await listObjects(client, "v1", "Pod", namespace, { [LABEL.instance]: project });
  return pods
    .map((pod) => {
      const containers: { ready?: boolean; restartCount?: number }[] = pod.status?.containerStatuses ?? [];
      const started = pod.status?.startTime;
      return {
        service: pod.metadata.labels?.[LABEL.name] ?? "?",
        pod: pod.metadata.name,
        state: podReason(pod) ?? pod.status?.phase ?? "Unknown",
        ready: `${containers.filter((c) => c.ready).length}/${containers.length}`,
        restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
        startedAt: started ? new Date(started).toISOString() : undefined,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.pod.localeCompare(b.pod));
}

/** The last `tail` lines of each pod of the project (or of one service). */
export async function projectLogs(
  client: ClusterClient,
  project: string,
  namespace: string,
  service: string | undefined,
  tail: number | undefined,
): Promise<{ readonly service: string; readonly pod: string; readonly lines: string[] }[]> {
  const labels = { [LABEL.instance]: project, ...(service ? { [LABEL.name]: service } : {}) };
  const pods = await listObjects(client, "v1", "Pod", namespace, labels);
  return Promise.all(
    pods.map(async (pod) => {
      const name: string = pod.metadata.name;
      const text = await client.core
        .readNamespacedPodLog({ name, namespace, ...(tail !== undefined ? { tailLines: tail } : {}) })
        .catch((error: Error) => `(no log: ${error.message.split("\n")[0]})`);
      return {
        service: pod.metadata.labels?.[LABEL.name] ?? "?",
        pod: name,
        lines: text.trimEnd().split("\n").filter(Boolean),
      };
    }),
  );
}

/**
 * Deletes what the project owns in the cluster: its workloads, Services, Ingresses, config, the
 * Secrets slipway wrote, and Jobs.
 * Its PersistentVolumeClaims (the data) only with `volumes`; its namespace and release history stay.
 */
export async function takeDown(
  client: ClusterClient,
  project: string,
  namespace: string,
  volumes: boolean,
  emit: Emit,
): Promise<number> {
  let deleted = await prune(client, project, namespace, [], emit, true);
  for (const job of await listObjects(client, "batch/v1", "Job", namespace, projectSelector(project))) {
    await deleteObject(client, refOf(job));
    deleted++;
  }
  if (volumes)
    for (const claim of await listObjects(client, "v1", "PersistentVolumeClaim", namespace, {
      [LABEL.instance]: project,
    })) {
      await deleteObject(client, refOf(claim));
      emit({ type: "log", level: "info", message: `deleted PersistentVolumeClaim ${claim.metadata.name}` });
      deleted++;
    }
  return deleted;
}

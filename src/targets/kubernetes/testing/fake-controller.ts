import { createHash } from "node:crypto";

/**
 * The scripted "controllers" of the FAKE Kubernetes API server: instead of scheduling pods, they
 * play status transitions a real cluster would report, so slipway's watch, rollback and reporting
 * logic can be tested here. Nothing runs: pods are records with a state and canned log lines.
 */

/** How the next rollout (Deployment, StatefulSet) or run (Job) of a service plays out. */
export type FakeBehaviour = "complete" | "stall" | "fail";

// biome-ignore lint/suspicious/noExplicitAny: the fake stores objects as loose JSON, as an API server does
export type FakeObject = Record<string, any>;

/** What the controllers need from the fake server's store. */
export interface FakeCluster {
  put(object: FakeObject): void;
  objects(kind: string, namespace: string): FakeObject[];
  remove(kind: string, namespace: string, name: string): void;
  setLogs(namespace: string, pod: string, lines: readonly string[]): void;
  /** Runs `step` after `ms` (timers are cleared when the fake stops). */
  later(ms: number, step: () => void): void;
}

const now = () => new Date().toISOString();
const revisionOf = (template: unknown) =>
  createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 10);

/** Labels every pod of a workload carries (its template's) match its selector. */
function podsOf(cluster: FakeCluster, workload: FakeObject): FakeObject[] {
  const selector: Record<string, string> = workload.spec?.selector?.matchLabels ?? {};
  return cluster
    .objects("Pod", workload.metadata.namespace)
    .filter((pod) => Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v));
}

function pod(
  workload: FakeObject,
  name: string,
  status: FakeObject,
  extraLabels: Record<string, string> = {},
): FakeObject {
  const template = workload.spec?.template ?? workload.spec?.jobTemplate?.spec?.template ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: workload.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
      creationTimestamp: now(),
    },
    spec: { containers: template.spec?.containers ?? [] },
    status: { startTime: now(), ...status },
  };
}

const containerStatus = (workload: FakeObject, state: FakeObject, ready: boolean, restartCount = 0) => {
  const container = workload.spec?.template?.spec?.containers?.[0] ?? {};
  return [{ name: container.name ?? "main", image: container.image ?? "", ready, restartCount, state }];
};

/** A Deployment or StatefulSet rollout: `complete` replaces every pod; `stall` crash-loops one new pod. */
export function playRollout(cluster: FakeCluster, workload: FakeObject, behaviour: FakeBehaviour): void {
  const { namespace, name, generation } = workload.metadata;
  const replicas: number = workload.spec?.replicas ?? 1;
  const revision = revisionOf(workload.spec?.template);
  const current = () => cluster.objects(workload.kind, namespace).find((o) => o.metadata.name === name);
  const setStatus = (status: FakeObject) => {
    const object = current();
    if (object && object.metadata.generation === generation) cluster.put({ ...object, status });
  };
  const stillCurrent = () => current()?.metadata.generation === generation;
  const base = {
    observedGeneration: generation,
    replicas,
    currentRevision: revision,
    updateRevision: revision,
  };
  // Mid-rollout: a Deployment has surged one new pod next to the old ones; a StatefulSet has
  // replaced its last pod in place, which is not ready yet, and still reports the old revision.
  const previousRevision: string = current()?.status?.updateRevision ?? "none";
  cluster.later(100, () =>
    setStatus(
      workload.kind === "StatefulSet"
        ? { ...base, currentRevision: previousRevision, updatedReplicas: 1, readyReplicas: replicas - 1 }
        : {
            ...base,
            replicas: replicas + 1,
            updatedReplicas: 1,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: now() },
            ],
          },
    ),
  );
  if (behaviour === "complete") {
    cluster.later(300, () => {
      if (!stillCurrent()) return;
      for (const old of podsOf(cluster, workload)) cluster.remove("Pod", namespace, old.metadata.name);
      for (let i = 0; i < replicas; i++) {
        const podName =
          workload.kind === "StatefulSet" ? `${name}-${i}` : `${name}-${revision.slice(0, 5)}-${i}`;
        const running = { running: { startedAt: now() } };
        cluster.put(
          pod(workload, podName, {
            phase: "Running",
            containerStatuses: containerStatus(workload, running, true),
          }),
        );
        cluster.setLogs(namespace, podName, [`${name} ${i}: listening`, `${name} ${i}: ready`]);
      }
      setStatus({
        ...base,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          { type: "Available", status: "True", reason: "MinimumReplicasAvailable", lastUpdateTime: now() },
          { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: now() },
        ],
      });
    });
    return;
  }
  cluster.later(150, () => {
    if (!stillCurrent()) return;
    const podName = `${name}-${revision.slice(0, 5)}-crash`;
    const waiting = {
      waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" },
    };
    cluster.put(
      pod(workload, podName, {
        phase: "Running",
        containerStatuses: containerStatus(workload, waiting, false, 4),
      }),
    );
    cluster.setLogs(namespace, podName, [
      `${name}: starting`,
      `${name}: Error: connect ECONNREFUSED 10.96.0.12:5432`,
      `${name}: exiting with code 1`,
    ]);
  });
  // A Deployment's controller reports the missed deadline; a StatefulSet has none (slipway's own clock fails it).
  if (workload.kind === "Deployment")
    cluster.later((workload.spec?.progressDeadlineSeconds ?? 600) * 1000, () =>
      setStatus({
        ...base,
        replicas: replicas + 1,
        updatedReplicas: 1,
        readyReplicas: replicas,
        availableReplicas: replicas,
        unavailableReplicas: 1,
        conditions: [
          {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: `ReplicaSet "${name}-${revision.slice(0, 5)}" has timed out progressing.`,
            lastUpdateTime: now(),
          },
        ],
      }),
    );
}

/** A Job's one run: `complete` succeeds; `fail` exits 1 with log lines, and the Job reports BackoffLimitExceeded. */
export function playJob(cluster: FakeCluster, job: FakeObject, behaviour: FakeBehaviour): void {
  const { namespace, name } = job.metadata;
  cluster.later(100, () => {
    const current = cluster.objects("Job", namespace).find((o) => o.metadata.name === name);
    if (!current) return;
    const ok = behaviour !== "fail";
    const podName = `${name}-${revisionOf(name).slice(0, 5)}`;
    const terminated = {
      terminated: { exitCode: ok ? 0 : 1, reason: ok ? "Completed" : "Error", finishedAt: now() },
    };
    cluster.put(
      pod(
        current,
        podName,
        {
          phase: ok ? "Succeeded" : "Failed",
          containerStatuses: containerStatus(current, terminated, false),
        },
        { "job-name": name },
      ),
    );
    cluster.setLogs(
      namespace,
      podName,
      ok
        ? ["applying migrations", "applied 2 migrations"]
        : ["applying 002_players.sql", 'error: relation "players" already exists', "migration failed"],
    );
    cluster.put({
      ...current,
      status: ok
        ? { succeeded: 1, completionTime: now(), conditions: [{ type: "Complete", status: "True" }] }
        : {
            failed: 1,
            conditions: [
              {
                type: "Failed",
                status: "True",
                reason: "BackoffLimitExceeded",
                message: "Job has reached the specified backoff limit",
              },
            ],
          },
    });
  });
}

/** A StatefulSet's claims, as its controller makes them: `<claim>-<set>-<ordinal>` (kept when the set is deleted). */
export function claimsOf(set: FakeObject): FakeObject[] {
  const replicas: number = set.spec?.replicas ?? 1;
  return (set.spec?.volumeClaimTemplates ?? []).flatMap((template: FakeObject) =>
    Array.from({ length: replicas }, (_, i) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: `${template.metadata.name}-${set.metadata.name}-${i}`,
        namespace: set.metadata.namespace,
        labels: template.metadata.labels ?? {},
      },
      spec: template.spec,
      status: { phase: "Bound" },
    })),
  );
}

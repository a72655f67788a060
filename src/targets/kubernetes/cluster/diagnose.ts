import type { ClusterClient } from "./connect.js";
import { type LiveObject, listObjects } from "./objects.js";

const LOG_LINES = 20;

/** Why a pod is not running: a waiting or terminated container's reason, else its phase. */
export function podReason(pod: LiveObject): string | undefined {
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && waiting.reason !== "ContainerCreating")
      return `${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}${container.restartCount ? `, ${container.restartCount} restarts` : ""}`;
    const terminated = container.state?.terminated;
    if (terminated && terminated.exitCode !== 0)
      return `${terminated.reason ?? "exited"} with exit code ${terminated.exitCode}`;
  }
  if (pod.status?.phase === "Failed") return pod.status?.reason ?? "Failed";
  if (pod.status?.phase === "Pending") return "Pending (not scheduled or image not pulled yet)";
  return undefined;
}

/**
 * The failing pod among those `labels` select, as one paragraph: its name, reason and last log lines
 * (of the previous run when the container restarted). Empty when no pod is failing.
 */
export async function failingPodReport(
  client: ClusterClient,
  namespace: string,
  labels: Record<string, string>,
): Promise<string> {
  const pods = await listObjects(client, "v1", "Pod", namespace, labels);
  const failing = pods.map((pod) => ({ pod, reason: podReason(pod) })).find((p) => p.reason);
  if (!failing) return "";
  const name: string = failing.pod.metadata.name;
  const restarted = (failing.pod.status?.containerStatuses?.[0]?.restartCount ?? 0) > 0;
  let logs = "";
  for (const previous of restarted ? [true, false] : [false]) {
    try {
      logs = await client.core.readNamespacedPodLog({
        name,
        namespace,
        tailLines: LOG_LINES,
        ...(previous ? { previous } : {}),
      });
      if (logs.trim()) break;
    } catch {
      // No log (the container never started, or the previous one is gone): the reason says enough.
    }
  }
  const tail = logs.trim()
    ? `\n    last log lines of ${name}:\n${logs
        .trimEnd()
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n")}`
    : "";
  return `pod ${name}: ${failing.reason}${tail}`;
}

/**
 * The API resources the FAKE Kubernetes API server knows (see fake-api-server.ts): the kinds slipway
 * renders and reads, served in discovery as a real API server lists them.
 */
export interface FakeResource {
  readonly apiVersion: string;
  readonly kind: string;
  /** The plural name in paths, e.g. `deployments`. */
  readonly name: string;
  readonly namespaced: boolean;
}

export const FAKE_RESOURCES: readonly FakeResource[] = [
  { apiVersion: "v1", kind: "Namespace", name: "namespaces", namespaced: false },
  { apiVersion: "v1", kind: "ConfigMap", name: "configmaps", namespaced: true },
  { apiVersion: "v1", kind: "Secret", name: "secrets", namespaced: true },
  { apiVersion: "v1", kind: "Service", name: "services", namespaced: true },
  { apiVersion: "v1", kind: "Pod", name: "pods", namespaced: true },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", name: "persistentvolumeclaims", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", name: "deployments", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", name: "statefulsets", namespaced: true },
  { apiVersion: "batch/v1", kind: "Job", name: "jobs", namespaced: true },
  { apiVersion: "batch/v1", kind: "CronJob", name: "cronjobs", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "ingresses", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", name: "networkpolicies", namespaced: true },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    name: "horizontalpodautoscalers",
    namespaced: true,
  },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", name: "poddisruptionbudgets", namespaced: true },
];

/** What a request path names: a discovery document, a collection, one object, or a pod's log. */
export type FakePath =
  | { readonly type: "discovery"; readonly apiVersion: string }
  | {
      readonly type: "collection" | "object" | "log";
      readonly resource: FakeResource;
      readonly namespace?: string | undefined;
      readonly name?: string | undefined;
    };

/** Parses `/api/v1/…` and `/apis/GROUP/VERSION/…` paths; undefined for anything else. */
export function parseFakePath(pathname: string): FakePath | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) [apiVersion, rest] = [parts[1], parts.slice(2)];
  else if (parts[0] === "apis" && parts[1] && parts[2])
    [apiVersion, rest] = [`${parts[1]}/${parts[2]}`, parts.slice(3)];
  else return undefined;
  if (rest.length === 0) return { type: "discovery", apiVersion };
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  const resource = FAKE_RESOURCES.find((r) => r.apiVersion === apiVersion && r.name === rest[0]);
  if (!resource) return undefined;
  if (rest.length === 1) return { type: "collection", resource, namespace };
  if (rest.length === 2) return { type: "object", resource, namespace, name: rest[1] };
  if (rest.length === 3 && rest[2] === "log") return { type: "log", resource, namespace, name: rest[1] };
  return undefined;
}

/** Does an object's labels match an equality-based selector (`a=b,c=d`)? */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string | null,
): boolean {
  if (!selector) return true;
  return selector
    .split(",")
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split("=") as [string, string?];
      return labels?.[key.trim()] === value?.trim();
    });
}

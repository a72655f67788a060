import { type KubernetesObject, PatchStrategy } from "@kubernetes/client-node";
import { SlipwayError } from "../../../errors.js";
import type { KubeObject } from "../render/model.js";
import { LABEL, MANAGED_BY } from "../render/names.js";
import { type ClusterClient, request, statusOf } from "./connect.js";

/** The field manager of every apply: fields slipway set are slipway's, `kubectl edit`s of others stay. */
export const FIELD_MANAGER = "slipway";

/** What names one object in the cluster. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
}

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the API server are loose JSON
export type LiveObject = Record<string, any>;

const describe = (ref: ObjectRef) =>
  `${ref.kind} ${ref.metadata.namespace ? `${ref.metadata.namespace}/` : ""}${ref.metadata.name}`;

/** The values a Secret carries, which no error message may repeat. */
const secretValues = (object: KubeObject): string[] =>
  object.kind === "Secret"
    ? Object.values({ ...(object.stringData as object), ...(object.data as object) }).filter(
        (v): v is string => typeof v === "string" && v.length > 0,
      )
    : [];

/**
 * Server-side apply (`fieldManager=slipway`, conflicts forced: slipway owns what it renders). A
 * refusal's message never repeats a Secret's values, should the server quote them.
 */
export async function applyObject(client: ClusterClient, object: KubeObject): Promise<LiveObject> {
  try {
    return (await request(`applying ${describe(object)}`, () =>
      client.objects.patch(
        structuredClone(object) as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    )) as LiveObject;
  } catch (error) {
    const values = secretValues(object);
    if (values.length === 0 || !(error instanceof SlipwayError)) throw error;
    const redact = (text: string) => values.reduce((out, value) => out.replaceAll(value, "[redacted]"), text);
    throw new SlipwayError(error.problems.map((p) => ({ ...p, message: redact(p.message) })));
  }
}

/** The object as the cluster has it now, or undefined when it does not exist. */
export async function readObject(client: ClusterClient, ref: ObjectRef): Promise<LiveObject | undefined> {
  try {
    return (await client.objects.read(
      structuredClone(ref) as ObjectRef & { metadata: { name: string } },
    )) as LiveObject;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    return request(`reading ${describe(ref)}`, () => Promise.reject(error));
  }
}

/** Objects of a kind in a namespace that carry every label of `labels`. */
export async function listObjects(
  client: ClusterClient,
  apiVersion: string,
  kind: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): Promise<LiveObject[]> {
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const list = await request(`listing ${kind} in ${namespace}`, () =>
    client.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector),
  );
  // A list's items carry no apiVersion and kind of their own.
  return list.items.map((item) => ({ ...(item as LiveObject), apiVersion, kind }));
}

/** Deletes an object (its dependents in the background); one that is gone already is fine. */
export async function deleteObject(client: ClusterClient, ref: ObjectRef): Promise<void> {
  try {
    await client.objects.delete(
      structuredClone(ref) as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      "Background",
    );
  } catch (error) {
    if (statusOf(error) === 404) return;
    await request(`deleting ${describe(ref)}`, () => Promise.reject(error));
  }
}

/** The labels every object slipway rendered for a project carries. */
export const projectSelector = (project: string): Record<string, string> => ({
  [LABEL.instance]: project,
  [LABEL.managedBy]: MANAGED_BY,
});

/** The kinds a project owns and `down` / pruning remove (never Namespaces or PersistentVolumeClaims). */
export const OWNED_KINDS: readonly (readonly [string, string])[] = [
  ["networking.k8s.io/v1", "Ingress"],
  ["batch/v1", "CronJob"],
  ["policy/v1", "PodDisruptionBudget"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["networking.k8s.io/v1", "NetworkPolicy"],
  ["v1", "Service"],
  ["v1", "Secret"],
  ["v1", "ConfigMap"],
];

export const refOf = (object: LiveObject): ObjectRef => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  metadata: { name: object.metadata.name, namespace: object.metadata.namespace },
});

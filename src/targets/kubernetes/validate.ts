import { SlipwayError } from "../../errors.js";
import type { KubeObject } from "./render/model.js";

/**
 * The Kubernetes version whose OpenAPI schema every rendered object is checked against: the schema
 * `kubernetes-models` 5.x generates its validators from (its 5.0.0 moved to v1.36.0).
 */
export const KUBERNETES_SCHEMA_VERSION = "1.36";

interface Model {
  validate(): void;
}
type ModelClass = new (data: KubeObject) => Model;
/** The generated classes type their data by kind; here every one takes a rendered object. */
const asModel = (model: unknown): ModelClass => model as ModelClass;

/** The generated model of each kind slipway renders; loaded on first use (each carries its compiled schema). */
const MODELS: Readonly<Record<string, () => Promise<ModelClass>>> = {
  "v1/Namespace": async () => asModel((await import("kubernetes-models/v1/Namespace")).Namespace),
  "v1/ConfigMap": async () => asModel((await import("kubernetes-models/v1/ConfigMap")).ConfigMap),
  "v1/Secret": async () => asModel((await import("kubernetes-models/v1/Secret")).Secret),
  "v1/Service": async () => asModel((await import("kubernetes-models/v1/Service")).Service),
  "apps/v1/Deployment": async () =>
    asModel((await import("kubernetes-models/apps/v1/Deployment")).Deployment),
  "apps/v1/StatefulSet": async () =>
    asModel((await import("kubernetes-models/apps/v1/StatefulSet")).StatefulSet),
  "batch/v1/Job": async () => asModel((await import("kubernetes-models/batch/v1/Job")).Job),
  "batch/v1/CronJob": async () => asModel((await import("kubernetes-models/batch/v1/CronJob")).CronJob),
  "networking.k8s.io/v1/Ingress": async () =>
    asModel((await import("kubernetes-models/networking.k8s.io/v1/Ingress")).Ingress),
  "networking.k8s.io/v1/NetworkPolicy": async () =>
    asModel((await import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy")).NetworkPolicy),
  "autoscaling/v2/HorizontalPodAutoscaler": async () =>
    asModel(
      (await import("kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler")).HorizontalPodAutoscaler,
    ),
  "policy/v1/PodDisruptionBudget": async () =>
    asModel((await import("kubernetes-models/policy/v1/PodDisruptionBudget")).PodDisruptionBudget),
};

interface SchemaIssue {
  readonly instancePath?: string;
  readonly message?: string;
}

/** Why one object does not match its schema, one line per problem; empty when it matches. */
export async function schemaProblems(object: KubeObject): Promise<string[]> {
  const load = MODELS[`${object.apiVersion}/${object.kind}`];
  const where = `${object.kind} ${object.metadata.name}`;
  if (!load)
    return [`${where}: ${object.apiVersion} ${object.kind} is not a kind slipway knows the schema of`];
  try {
    new (await load())(object).validate();
    return [];
  } catch (error) {
    const issues = (error as { errors?: readonly SchemaIssue[] }).errors;
    if (!issues) throw error;
    return issues.map((issue) => `${where}: ${issue.instancePath || "/"} ${issue.message ?? "is invalid"}`);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels; a CronJob's at most 52 characters (its Jobs add 11). */
const LABEL_NAMED: Readonly<Record<string, number>> = { Namespace: 63, Service: 63, CronJob: 52 };

/**
 * What the OpenAPI schema leaves to the API server's own validation: object names (DNS subdomains,
 * DNS labels for some kinds) and label values (63 characters, alphanumeric ends).
 */
export function nameProblems(object: KubeObject): string[] {
  const { name, labels = {} } = object.metadata;
  const where = `${object.kind} ${name}`;
  const problems: string[] = [];
  const labelMax = LABEL_NAMED[object.kind];
  if (
    labelMax !== undefined
      ? !DNS_LABEL.test(name) || name.length > labelMax
      : !DNS_SUBDOMAIN.test(name) || name.length > 253
  )
    problems.push(
      `${where}: the name is not a valid ${labelMax ? `DNS label of at most ${labelMax} characters` : "DNS subdomain"}`,
    );
  for (const [key, value] of Object.entries(labels))
    if (value.length > 63 || !LABEL_VALUE.test(value))
      problems.push(`${where}: label ${key}="${value}" is not a valid label value`);
  return problems;
}

/**
 * Checks every object against the Kubernetes OpenAPI schema; throws E_K8S_INVALID_OBJECT naming each
 * mismatch. Rendering refuses to write, and deploying to apply, anything the API server would reject by schema.
 */
export async function validateObjects(objects: readonly KubeObject[]): Promise<void> {
  const problems = [
    ...objects.flatMap(nameProblems),
    ...(await Promise.all(objects.map(schemaProblems))).flat(),
  ];
  if (problems.length > 0)
    throw new SlipwayError(
      problems.map((message) => ({
        code: "E_K8S_INVALID_OBJECT",
        message: `${message} (Kubernetes ${KUBERNETES_SCHEMA_VERSION} schema)`,
        hint: "the field comes from the Compose setting of the same name; correct it there",
      })),
    );
}

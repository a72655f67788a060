import type { AppSpec } from "../../../manifest/model.js";

/** The metadata slipway sets on every object it renders. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** One Kubernetes object as slipway renders it: plain JSON, what `kubectl apply` reads. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/**
 * A release as the kubernetes target sees it: the frozen spec, each service's revision and the hash
 * of its build inputs (the tag of its image), and the release id (the content hash's first 12 hex digits).
 */
export interface KubernetesRelease {
  readonly id: string;
  readonly spec: AppSpec;
  readonly revisions: Readonly<Record<string, string>>;
  readonly buildHashes: Readonly<Record<string, string>>;
}

/** The project's `x-slipway.kubernetes` with every default filled in. */
export interface KubernetesSettings {
  /** Default: the project name. */
  readonly namespace: string;
  readonly context?: string | undefined;
  readonly registry?: string | undefined;
  readonly ingressClass?: string | undefined;
  /** Default `letsencrypt`. */
  readonly clusterIssuer: string;
  readonly storageClass?: string | undefined;
  /** Default `1Gi`. */
  readonly volumeSize: string;
  /** Default 600. */
  readonly progressDeadlineSeconds: number;
}

export interface RenderOptions {
  /** Write secret values into Secret objects (default false: reference Secrets that exist in the cluster). */
  readonly includeSecretValues?: boolean | undefined;
}

/** What rendering produced: the objects in apply order, and what of the Compose file did not map. */
export interface RenderResult {
  readonly release: KubernetesRelease;
  readonly settings: KubernetesSettings;
  readonly objects: readonly KubeObject[];
  readonly warnings: readonly string[];
}

/** What each object builder reads. */
export interface RenderContext {
  readonly release: KubernetesRelease;
  readonly settings: KubernetesSettings;
  readonly options: RenderOptions;
  /** Collects what did not map, as a sentence naming the service and the setting. */
  readonly warn: (message: string) => void;
}

export function settingsOf(app: AppSpec): KubernetesSettings {
  const k = app["x-slipway"].kubernetes;
  return {
    namespace: k?.namespace ?? app.name.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
    context: k?.context,
    registry: k?.registry,
    ingressClass: k?.ingress_class,
    clusterIssuer: k?.cluster_issuer ?? "letsencrypt",
    storageClass: k?.storage_class,
    volumeSize: k?.volume_size ?? "1Gi",
    progressDeadlineSeconds: Math.max(1, Math.ceil((k?.progress_deadline.ms ?? 600_000) / 1000)),
  };
}

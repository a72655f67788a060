import type { AppSpec, ServiceSpec } from "../../../manifest/model.js";
import { composeConfigMaps, composeSecrets } from "./data.js";
import { envSecret } from "./env.js";
import { cronJobOf, isOneShot, migrationJobsOf } from "./jobs.js";
import {
  type KubeObject,
  type KubernetesRelease,
  type RenderContext,
  type RenderOptions,
  type RenderResult,
  settingsOf,
} from "./model.js";
import { namedVolumes } from "./mounts.js";
import { objectLabels } from "./names.js";
import { ingressOf, networkPolicyOf, serviceOf } from "./network.js";
import { kubernetesRelease } from "./release.js";
import { autoscalerOf, disruptionBudgetOf } from "./scaling.js";
import { deploymentOf, statefulSetOf } from "./workloads.js";

/** The order objects are applied in (and their files are numbered by): what others refer to comes first. */
export const APPLY_ORDER = [
  "Namespace",
  "ConfigMap",
  "Secret",
  "Service",
  "NetworkPolicy",
  "Job",
  "StatefulSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "CronJob",
  "Ingress",
] as const;

function serviceObjects(ctx: RenderContext, service: ServiceSpec): KubeObject[] {
  const app = ctx.release.spec;
  const x = service["x-slipway"];
  if (service.deploy.mode === "global" || service.deploy.mode === "global-job")
    ctx.warn(`${service.name}: deploy.mode ${service.deploy.mode} is rendered as replicated (no DaemonSet)`);
  const common = [...envSecret(ctx, service), networkPolicyOf(ctx, service)];
  if (x.schedule) return [...common, cronJobOf(ctx, service)];
  if (isOneShot(app, service)) return [...common, ...migrationJobsOf(ctx, service)];
  const stateful = namedVolumes(service).length > 0;
  const workload = stateful ? statefulSetOf(ctx, service) : deploymentOf(ctx, service);
  return [
    ...common,
    ...migrationJobsOf(ctx, service),
    workload,
    serviceOf(ctx, service, stateful),
    ingressOf(ctx, service),
    autoscalerOf(ctx, service, workload.kind),
    disruptionBudgetOf(ctx, service),
  ].filter((o): o is KubeObject => o !== undefined);
}

const rank = (object: KubeObject) => APPLY_ORDER.indexOf(object.kind as (typeof APPLY_ORDER)[number]);

/** Renders a release as Kubernetes objects. Pure: the same release and options give the same objects. */
export function renderKubernetesRelease(
  release: KubernetesRelease,
  options: RenderOptions = {},
): RenderResult {
  const warnings: string[] = [];
  const settings = settingsOf(release.spec);
  const ctx: RenderContext = { release, settings, options, warn: (message) => warnings.push(message) };
  const namespace: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: settings.namespace, labels: objectLabels(ctx) },
  };
  const services = Object.values(release.spec.services).sort((a, b) => a.name.localeCompare(b.name));
  const objects = [
    namespace,
    ...composeConfigMaps(ctx),
    ...composeSecrets(ctx),
    ...services.flatMap((service) => serviceObjects(ctx, service)),
  ].sort((a, b) => rank(a) - rank(b));
  return { release, settings, objects, warnings };
}

/** Freezes the app into a release and renders it (what `slipway render` and a kubernetes deploy do). */
export function renderKubernetes(app: AppSpec, options: RenderOptions = {}): RenderResult {
  return renderKubernetesRelease(kubernetesRelease(app, options.includeSecretValues), options);
}

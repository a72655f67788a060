import type { ServiceSpec } from "../../../manifest/model.js";
import type { KubeObject, RenderContext } from "./model.js";
import { kubeName, metadata, selectorLabels } from "./names.js";

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU, where `x-slipway.autoscale` asks for one. */
export function autoscalerOf(ctx: RenderContext, service: ServiceSpec, kind: string): KubeObject | undefined {
  const autoscale = service["x-slipway"].autoscale;
  if (!autoscale) return undefined;
  const resources = service.deploy.resources;
  if (!resources?.limits?.cpus && !resources?.reservations?.cpus && !service.cpus)
    ctx.warn(
      `${service.name}: autoscale on CPU needs a CPU request; set deploy.resources.reservations.cpus (or limits.cpus)`,
    );
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind, name: kubeName(service.name) },
      minReplicas: autoscale.min,
      maxReplicas: autoscale.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: autoscale.cpu } },
        },
      ],
    },
  };
}

/** A PodDisruptionBudget for a service of 2+ replicas: a node drain takes at most one pod at a time. */
export function disruptionBudgetOf(ctx: RenderContext, service: ServiceSpec): KubeObject | undefined {
  const fewest = service["x-slipway"].autoscale?.min ?? service.deploy.replicas;
  if (fewest < 2) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(ctx.release.spec.name, service.name) },
    },
  };
}

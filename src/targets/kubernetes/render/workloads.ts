import type { ServiceSpec } from "../../../manifest/model.js";
import type { KubeObject, RenderContext } from "./model.js";
import { namedVolumes } from "./mounts.js";
import { kubeName, metadata, selectorLabels } from "./names.js";
import { containerOf, podTemplate } from "./pod.js";

/**
 * How a Deployment replaces pods: `recreate` → Recreate; otherwise RollingUpdate with
 * `x-slipway.rolling` max surge / unavailable, else `update_config` (start-first: surge by
 * parallelism, none unavailable; stop-first: the reverse). Blue-green and canary have no native
 * equivalent and roll as start-first.
 */
function deploymentStrategy(ctx: RenderContext, service: ServiceSpec): Record<string, unknown> {
  const x = service["x-slipway"];
  if (x.strategy === "recreate") return { type: "Recreate" };
  if (x.strategy === "blue-green" || x.strategy === "canary")
    ctx.warn(
      `${service.name}: strategy ${x.strategy} is not native to Kubernetes; it rolls out as a start-first RollingUpdate`,
    );
  if (x.rolling)
    return {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: x.rolling.max_surge, maxUnavailable: x.rolling.max_unavailable },
    };
  const update = service.deploy.update_config;
  const step = Math.max(1, update?.parallelism ?? 1);
  return update?.order === "stop-first"
    ? { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: step } }
    : { type: "RollingUpdate", rollingUpdate: { maxSurge: step, maxUnavailable: 0 } };
}

/** Replicas, unless an autoscaler owns them (applying a count would undo its scaling). */
const replicasOf = (service: ServiceSpec) =>
  service["x-slipway"].autoscale ? {} : { replicas: service.deploy.replicas };

/** A Deployment for a stateless service. */
export function deploymentOf(ctx: RenderContext, service: ServiceSpec): KubeObject {
  const { container, volumes } = containerOf(ctx, service);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      ...replicasOf(service),
      selector: { matchLabels: selectorLabels(ctx.release.spec.name, service.name) },
      strategy: deploymentStrategy(ctx, service),
      progressDeadlineSeconds: ctx.settings.progressDeadlineSeconds,
      revisionHistoryLimit: 5,
      template: podTemplate(ctx, service, {
        containers: [container],
        ...(volumes.length > 0 ? { volumes } : {}),
      }),
    },
  };
}

/**
 * A StatefulSet for a service with named volumes (a database): each named volume becomes a claim
 * template, so every replica keeps its own PersistentVolumeClaim across releases (and `down`).
 */
export function statefulSetOf(ctx: RenderContext, service: ServiceSpec): KubeObject {
  const { container, volumes } = containerOf(ctx, service);
  const storageClass = ctx.settings.storageClass ? { storageClassName: ctx.settings.storageClass } : {};
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      ...replicasOf(service),
      serviceName: kubeName(service.name),
      selector: { matchLabels: selectorLabels(ctx.release.spec.name, service.name) },
      updateStrategy: { type: "RollingUpdate" },
      podManagementPolicy: "OrderedReady",
      template: podTemplate(ctx, service, {
        containers: [container],
        ...(volumes.length > 0 ? { volumes } : {}),
      }),
      volumeClaimTemplates: namedVolumes(service).map((volume) => ({
        metadata: { name: kubeName(volume), labels: selectorLabels(ctx.release.spec.name, service.name) },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...storageClass,
          resources: { requests: { storage: ctx.settings.volumeSize } },
        },
      })),
    },
  };
}

import type { ServiceSpec } from "../../../manifest/model.js";
import type { ObjectMeta, RenderContext } from "./model.js";

/** Label keys slipway sets (the recommended `app.kubernetes.io/*` ones, and its own). */
export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  partOf: "app.kubernetes.io/part-of",
  component: "app.kubernetes.io/component",
  version: "app.kubernetes.io/version",
  managedBy: "app.kubernetes.io/managed-by",
  release: "slipway.dev/release",
  revision: "slipway.dev/revision",
} as const;

export const MANAGED_BY = "slipway";

/**
 * A Compose name as a Kubernetes name (DNS-1123 label: lower-case letters, digits and `-`, at most 63,
 * starting with a letter so it also serves as a Service name that other services resolve).
 */
export function kubeName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  return (cleaned || "x").slice(0, 63).replace(/-+$/, "");
}

/** `<base>-<suffix>` kept within 63 characters (the base is shortened, never the suffix). */
export function suffixed(base: string, suffix: string): string {
  const room = 63 - suffix.length - 1;
  return `${kubeName(base).slice(0, room).replace(/-+$/, "")}-${suffix}`;
}

/** Labels that select a service's pods: stable across releases (a Deployment's selector never changes). */
export function selectorLabels(project: string, service: string): Record<string, string> {
  return { [LABEL.name]: kubeName(service), [LABEL.instance]: kubeName(project) };
}

/** Labels of every object of the project; with a service, also its selector labels. */
export function objectLabels(ctx: RenderContext, service?: ServiceSpec): Record<string, string> {
  const project = ctx.release.spec.name;
  return {
    ...(service
      ? selectorLabels(project, service.name)
      : { [LABEL.name]: kubeName(project), [LABEL.instance]: kubeName(project) }),
    [LABEL.partOf]: kubeName(project),
    ...(service ? { [LABEL.component]: kubeName(service.name) } : {}),
    [LABEL.version]: ctx.release.id,
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.release]: ctx.release.id,
  };
}

/** Metadata of a namespaced object of the project (or of one service). */
export function metadata(
  ctx: RenderContext,
  name: string,
  service?: ServiceSpec,
  annotations?: Record<string, string>,
): ObjectMeta {
  return {
    name,
    namespace: ctx.settings.namespace,
    labels: objectLabels(ctx, service),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Labels of a service's pods: its selector labels and its revision, not the release id. */
export function podLabels(ctx: RenderContext, service: ServiceSpec): Record<string, string> {
  const { [LABEL.version]: _version, [LABEL.release]: _release, ...stable } = objectLabels(ctx, service);
  const networks = Object.fromEntries(Object.keys(service.networks).map((n) => [networkLabel(n), "true"]));
  return { ...stable, ...networks, [LABEL.revision]: ctx.release.revisions[service.name] ?? "none" };
}

/** The pod label that says a pod is on a Compose network (NetworkPolicies select peers by it). */
export const networkLabel = (network: string): string => `network.slipway.dev/${kubeName(network)}`;

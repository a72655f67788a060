import type { ServiceSpec } from "../../../manifest/model.js";
import type { KubeObject, RenderContext } from "./model.js";
import { kubeName, LABEL, metadata, networkLabel, selectorLabels, suffixed } from "./names.js";
import { containerPorts, portName } from "./pod.js";

/** A ClusterIP Service named as the Compose service, so `http://api:3000` resolves in the cluster as in Compose. */
export function serviceOf(
  ctx: RenderContext,
  service: ServiceSpec,
  headless: boolean,
): KubeObject | undefined {
  const ports = containerPorts(service);
  if (ports.length === 0 && !headless) return undefined;
  if (service.ports.some((p) => p.published !== undefined))
    ctx.warn(
      `${service.name}: published host ports are not mapped; reach it through x-slipway.routes (an Ingress)`,
    );
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      ...(ports.length === 0 ? { clusterIP: "None" } : { type: "ClusterIP" }),
      selector: selectorLabels(ctx.release.spec.name, service.name),
      ...(ports.length > 0
        ? {
            ports: ports.map((p) => ({
              name: portName(p),
              port: p.port,
              targetPort: p.port,
              protocol: p.protocol,
            })),
          }
        : {}),
    },
  };
}

/** The port a route sends to: its own, else the service's only one. */
function routePort(service: ServiceSpec, port: number | undefined): number | undefined {
  const ports = containerPorts(service).filter((p) => p.protocol === "TCP");
  return port ?? (ports.length === 1 ? ports[0]!.port : undefined);
}

/**
 * An Ingress for the service's `x-slipway.routes`: host and path-prefix rules; routes with domains
 * and TLS get a certificate from cert-manager (`cert-manager.io/cluster-issuer`) in `<service>-tls`.
 */
export function ingressOf(ctx: RenderContext, service: ServiceSpec): KubeObject | undefined {
  const byHost = new Map<string, Record<string, unknown>[]>();
  const tlsHosts = new Set<string>();
  let certManager = false;
  for (const route of service["x-slipway"].routes) {
    const where = `${service.name}: route ${route.path}`;
    if (route.static !== undefined) {
      ctx.warn(
        `${where} serves a directory from slipway's router, which a cluster does not have; not mapped`,
      );
      continue;
    }
    if (route.protocol === "tcp") {
      ctx.warn(`${where} forwards raw TCP, which an Ingress cannot; not mapped`);
      continue;
    }
    const port = routePort(service, route.port);
    if (port === undefined) {
      ctx.warn(`${where} names no port and the service has several (or none); not mapped`);
      continue;
    }
    if (route.strip_prefix) ctx.warn(`${where}: strip_prefix depends on the ingress controller; not mapped`);
    const path = {
      path: route.path,
      pathType: "Prefix",
      backend: { service: { name: kubeName(service.name), port: { number: port } } },
    };
    for (const host of route.domains.length > 0 ? route.domains : [""])
      byHost.set(host, [...(byHost.get(host) ?? []), path]);
    if (route.tls !== "off" && route.domains.length > 0) {
      for (const host of route.domains) tlsHosts.add(host);
      if (route.tls === "auto" || route.tls === "acme") certManager = true;
      else
        ctx.warn(
          `${where}: TLS ${route.tls} expects the certificate in the Secret ${suffixed(service.name, "tls")}`,
        );
    }
  }
  if (byHost.size === 0) return undefined;
  const annotations: Record<string, string> = certManager
    ? { "cert-manager.io/cluster-issuer": ctx.settings.clusterIssuer }
    : {};
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadata(ctx, kubeName(service.name), service, annotations),
    spec: {
      ...(ctx.settings.ingressClass ? { ingressClassName: ctx.settings.ingressClass } : {}),
      ...(tlsHosts.size > 0
        ? { tls: [{ hosts: [...tlsHosts], secretName: suffixed(service.name, "tls") }] }
        : {}),
      rules: [...byHost].map(([host, paths]) => ({ ...(host ? { host } : {}), http: { paths } })),
    },
  };
}

/**
 * Who may reach the service's pods: pods of the project on a network it shares (Compose `networks`),
 * and, on its routed ports, the ingress controller (any namespace). Everything else is refused.
 */
export function networkPolicyOf(ctx: RenderContext, service: ServiceSpec): KubeObject {
  const project = ctx.release.spec.name;
  if (service.network_mode)
    ctx.warn(`${service.name}: network_mode ${service.network_mode} is not mapped; it joins the pod network`);
  const aliases = Object.values(service.networks).flatMap(
    (n) => (n as { aliases?: string[] } | null)?.aliases ?? [],
  );
  if (aliases.length > 0)
    ctx.warn(
      `${service.name}: network aliases (${aliases.join(", ")}) are not mapped; only "${kubeName(service.name)}" resolves`,
    );
  const fromNetworks = Object.keys(service.networks).map((network) => ({
    podSelector: { matchLabels: { [LABEL.instance]: kubeName(project), [networkLabel(network)]: "true" } },
  }));
  const routed = [
    ...new Set(
      service["x-slipway"].routes
        .filter((r) => !r.static && r.protocol === "http")
        .map((r) => routePort(service, r.port)),
    ),
  ];
  const ingress: Record<string, unknown>[] = [];
  if (fromNetworks.length > 0) ingress.push({ from: fromNetworks });
  const routedPorts = routed.filter((p): p is number => p !== undefined);
  if (routedPorts.length > 0)
    ingress.push({
      from: [{ namespaceSelector: {} }],
      ports: routedPorts.map((port) => ({ protocol: "TCP", port })),
    });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata(ctx, kubeName(service.name), service),
    spec: {
      podSelector: { matchLabels: selectorLabels(project, service.name) },
      policyTypes: ["Ingress"],
      ingress,
    },
  };
}

import type { ServiceSpec } from "../../../manifest/model.js";
import { containerEnv } from "./env.js";
import type { RenderContext } from "./model.js";
import { mountsOf } from "./mounts.js";
import { kubeName, podLabels } from "./names.js";
import { probesOf } from "./probes.js";
import { resourcesOf, securityContextOf } from "./resources.js";

/**
 * The image a service runs: its `image:`; for a built service without one, the Docker target's release
 * image tag (`<project>-<service>:<build hash>`), under `x-slipway.kubernetes.registry` when set.
 */
export function imageOf(ctx: RenderContext, service: ServiceSpec): string {
  if (service.image) return service.image;
  const repository = `${ctx.release.spec.name}-${service.name}`.toLowerCase().replace(/[^a-z0-9_.-]/g, "-");
  const registry = ctx.settings.registry?.replace(/\/+$/, "");
  return `${registry ? `${registry}/` : ""}${repository}:${ctx.release.buildHashes[service.name] ?? "latest"}`;
}

/** Container ports from `expose` and `ports` (each target once). */
export function containerPorts(service: ServiceSpec): { port: number; protocol: string }[] {
  const seen = new Map<string, { port: number; protocol: string }>();
  const add = (port: number, protocol: string) => {
    const p = protocol.toUpperCase();
    if (!seen.has(`${port}/${p}`)) seen.set(`${port}/${p}`, { port, protocol: p });
  };
  for (const entry of service.expose ?? []) {
    const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(String(entry).trim());
    if (!match) continue;
    const from = Number(match[1]);
    const to = match[2] ? Number(match[2]) : from;
    for (let port = from; port <= to && port - from < 64; port++) add(port, match[3] ?? "tcp");
  }
  for (const port of service.ports) add(port.target, port.protocol);
  return [...seen.values()];
}

/** The name of a Service port: `p<port>` (with `-udp`/`-sctp`), unique and a valid IANA_SVC_NAME. */
export const portName = (port: { port: number; protocol: string }): string =>
  `p${port.port}${port.protocol === "TCP" ? "" : `-${port.protocol.toLowerCase()}`}`;

/** The service's one container: image, command, env, ports, probes, resources, security, mounts. */
export function containerOf(
  ctx: RenderContext,
  service: ServiceSpec,
  options: { readonly command?: readonly string[] | undefined; readonly probes?: boolean } = {},
): { container: Record<string, unknown>; volumes: Record<string, unknown>[] } {
  const { volumes, volumeMounts } = mountsOf(ctx, service);
  const env = containerEnv(service);
  const ports = containerPorts(service);
  const container = {
    name: kubeName(service.name),
    image: imageOf(ctx, service),
    imagePullPolicy: "IfNotPresent",
    ...(options.command
      ? { command: [...options.command] }
      : {
          ...(service.entrypoint ? { command: [...service.entrypoint] } : {}),
          ...(service.command ? { args: [...service.command] } : {}),
        }),
    ...(service.working_dir ? { workingDir: service.working_dir } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(ports.length > 0
      ? { ports: ports.map((p) => ({ name: portName(p), containerPort: p.port, protocol: p.protocol })) }
      : {}),
    ...(options.probes === false ? {} : probesOf(service)),
    ...resourcesOf(service),
    ...securityContextOf(ctx, service),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
  };
  return { container, volumes };
}

/** A pod template: labelled with the service's revision, not the release (a new revision rolls the pods, nothing else does). */
export function podTemplate(
  ctx: RenderContext,
  service: ServiceSpec,
  spec: Record<string, unknown>,
): Record<string, unknown> {
  if (service.stop_signal && service.stop_signal !== "SIGTERM")
    ctx.warn(
      `${service.name}: stop_signal ${service.stop_signal} is not mapped (Kubernetes stops with SIGTERM)`,
    );
  const grace = service.stop_grace_period?.ms;
  return {
    metadata: {
      labels: podLabels(ctx, service),
    },
    spec: {
      ...spec,
      ...(grace !== undefined ? { terminationGracePeriodSeconds: Math.ceil(grace / 1000) } : {}),
    },
  };
}

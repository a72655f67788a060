import type { ServiceSpec } from "../../../manifest/model.js";
import type { RenderContext } from "./model.js";

const MIB = 1024 * 1024;

/** Bytes as a Kubernetes quantity: `256Mi` when whole mebibytes, else plain bytes. */
export const memoryQuantity = (bytes: number): string =>
  bytes % MIB === 0 ? `${bytes / MIB}Mi` : String(Math.round(bytes));

/** CPUs as a Kubernetes quantity in millicores: 0.5 → `500m`. */
export const cpuQuantity = (cpus: number): string => `${Math.max(1, Math.round(cpus * 1000))}m`;

function quantities(cpus: number | undefined, memory: number | undefined): Record<string, string> {
  return {
    ...(cpus !== undefined && cpus > 0 ? { cpu: cpuQuantity(cpus) } : {}),
    ...(memory !== undefined && memory > 0 ? { memory: memoryQuantity(memory) } : {}),
  };
}

/** `resources` from `deploy.resources` (limits and reservations → requests), else `cpus`/`mem_limit`. */
export function resourcesOf(service: ServiceSpec): Record<string, unknown> {
  const { limits, reservations } = service.deploy.resources ?? {};
  const limit = quantities(limits?.cpus ?? service.cpus, limits?.memory ?? service.mem_limit);
  const request = quantities(reservations?.cpus, reservations?.memory ?? service.mem_reservation);
  const resources = {
    ...(Object.keys(limit).length > 0 ? { limits: limit } : {}),
    ...(Object.keys(request).length > 0 ? { requests: request } : {}),
  };
  return Object.keys(resources).length > 0 ? { resources } : {};
}

/** The container's `securityContext` from `user`, `read_only`, `cap_add`/`cap_drop` and `privileged`. */
export function securityContextOf(ctx: RenderContext, service: ServiceSpec): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  if (service.user !== undefined) {
    const match = /^(\d+)(?::(\d+))?$/.exec(service.user);
    if (match) {
      context.runAsUser = Number(match[1]);
      if (match[2] !== undefined) context.runAsGroup = Number(match[2]);
    } else
      ctx.warn(
        `${service.name}: user "${service.user}" is a name; Kubernetes runs as numeric ids only, so it is not mapped`,
      );
  }
  if (service.read_only) context.readOnlyRootFilesystem = true;
  if (service.privileged) context.privileged = true;
  const add = service.cap_add ?? [];
  const drop = service.cap_drop ?? [];
  if (add.length > 0 || drop.length > 0)
    context.capabilities = {
      ...(add.length > 0 ? { add: [...add] } : {}),
      ...(drop.length > 0 ? { drop: [...drop] } : {}),
    };
  return Object.keys(context).length > 0 ? { securityContext: context } : {};
}

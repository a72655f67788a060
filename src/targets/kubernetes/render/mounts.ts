import { posix } from "node:path";
import type { AppSpec, ServiceSpec } from "../../../manifest/model.js";
import { sha256 } from "../../../release/hash.js";
import type { RenderContext } from "./model.js";
import { kubeName, suffixed } from "./names.js";

/** A key of a Secret's or ConfigMap's data (`[-._a-zA-Z0-9]+`). */
export const dataKey = (name: string): string => name.replace(/[^-._a-zA-Z0-9]/g, "_");

/** The Secret a top-level Compose secret is: its `name:` when it has one, else its key. */
export const secretObjectName = (app: AppSpec, key: string): string =>
  kubeName(app.secrets?.[key]?.name ?? key);

/** A config's inline text (after freezing, `file:` configs carry their `content`). */
export function configContent(app: AppSpec, key: string): string | undefined {
  const config = app.configs?.[key];
  if (!config || config.external) return undefined;
  if (config.content !== undefined) return config.content;
  return config.environment !== undefined ? (process.env[config.environment] ?? "") : undefined;
}

/** The ConfigMap of a config: external ones by name; inline ones named by content, so a change never alters running pods. */
export function configObjectName(app: AppSpec, key: string): string {
  const config = app.configs?.[key];
  const content = configContent(app, key);
  if (content === undefined) return kubeName(config?.name ?? key);
  return suffixed(key, sha256(content).slice(0, 8));
}

/** Named volumes of a service (each a claim of its StatefulSet). */
export function namedVolumes(service: ServiceSpec): string[] {
  return [...new Set(service.volumes.filter((v) => v.type === "volume" && v.source).map((v) => v.source!))];
}

interface Mounts {
  readonly volumes: Record<string, unknown>[];
  readonly volumeMounts: Record<string, unknown>[];
}

/**
 * The pod's volumes and the container's mounts: named volumes (claims of a StatefulSet), anonymous
 * volumes and `tmpfs` (emptyDir), secrets (`/run/secrets/…`) and configs (`/<name>`), each file by subPath.
 * Bind mounts read the deploying machine's disk, which a cluster node does not have: left out, with a warning.
 */
export function mountsOf(ctx: RenderContext, service: ServiceSpec): Mounts {
  const app = ctx.release.spec;
  const volumes: Record<string, unknown>[] = [];
  const volumeMounts: Record<string, unknown>[] = [];
  service.volumes.forEach((mount, index) => {
    const readOnly = mount.read_only ? { readOnly: true } : {};
    if (mount.type === "volume" && mount.source) {
      volumeMounts.push({ name: kubeName(mount.source), mountPath: mount.target, ...readOnly });
    } else if (mount.type === "volume" || mount.type === "tmpfs") {
      const name = `scratch-${index}`;
      volumes.push({ name, emptyDir: mount.type === "tmpfs" ? { medium: "Memory" } : {} });
      volumeMounts.push({ name, mountPath: mount.target, ...readOnly });
    } else
      ctx.warn(
        `${service.name}: the ${mount.type} mount at ${mount.target} is not mapped (a cluster node has no such path)`,
      );
  });
  (service.tmpfs ?? []).forEach((target, index) => {
    volumes.push({ name: `tmpfs-${index}`, emptyDir: { medium: "Memory" } });
    volumeMounts.push({ name: `tmpfs-${index}`, mountPath: target.split(":")[0] });
  });
  service.secrets.forEach((grant, index) => {
    const name = `secret-${index}`;
    const target = ("target" in grant ? grant.target : undefined) ?? grant.source;
    volumes.push({ name, secret: { secretName: secretObjectName(app, grant.source) } });
    volumeMounts.push({
      name,
      mountPath: posix.isAbsolute(target) ? target : `/run/secrets/${target}`,
      subPath: dataKey(grant.source),
      readOnly: true,
    });
  });
  service.configs.forEach((grant, index) => {
    const name = `config-${index}`;
    const target = ("target" in grant ? grant.target : undefined) ?? `/${grant.source}`;
    volumes.push({ name, configMap: { name: configObjectName(app, grant.source) } });
    volumeMounts.push({
      name,
      mountPath: posix.isAbsolute(target) ? target : `/${target}`,
      subPath: dataKey(grant.source),
      readOnly: true,
    });
  });
  return { volumes, volumeMounts };
}

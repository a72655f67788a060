import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { isMapping, type LocatedMap } from "./located.js";
import { isHostPath } from "./schema/volumes.js";

/** Resolves a path written in a Compose file against the directory it is relative to (`~` is the home directory). */
export function resolveHostPath(path: string, base: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** A build context may be a URL (git, https); those are not paths. */
function isRemoteContext(context: string): boolean {
  return /^(https?:|git@|git:|ssh:|github\.com\/)/.test(context);
}

/**
 * Makes a raw service's relative paths absolute against `base` — used for services that come
 * from another file (`extends.file`, `include`), whose paths are relative to that file.
 */
export function rebaseServicePaths(service: LocatedMap, base: string): LocatedMap {
  const out: LocatedMap = service;
  const build = out.build;
  if (typeof build === "string" && !isRemoteContext(build)) out.build = resolveHostPath(build, base);
  else if (isMapping(build) && typeof build.context === "string" && !isRemoteContext(build.context)) {
    build.context = resolveHostPath(build.context, base);
  } else if (isMapping(build) && build.context === undefined) build.context = base;
  const envFile = out.env_file;
  const rebaseEnvFile = (entry: unknown): unknown =>
    typeof entry === "string"
      ? resolveHostPath(entry, base)
      : isMapping(entry) && typeof entry.path === "string"
        ? Object.assign(entry, { path: resolveHostPath(entry.path, base) })
        : entry;
  if (Array.isArray(envFile))
    envFile.forEach((entry, index) => {
      envFile[index] = rebaseEnvFile(entry);
    });
  else if (envFile !== undefined) out.env_file = rebaseEnvFile(envFile);
  const volumes = out.volumes;
  if (Array.isArray(volumes)) {
    volumes.forEach((volume, index) => {
      if (typeof volume === "string") {
        const [source, ...rest] = volume.split(":");
        if (rest.length > 0 && source && isHostPath(source))
          volumes[index] = [resolveHostPath(source, base), ...rest].join(":");
      } else if (isMapping(volume) && volume.type === "bind" && typeof volume.source === "string") {
        volume.source = resolveHostPath(volume.source, base);
      }
    });
  }
  return out;
}

/** Makes `file:` of top-level secrets/configs absolute against `base`. */
export function rebaseFileObjects(objects: unknown, base: string): void {
  if (!isMapping(objects)) return;
  for (const entry of Object.values(objects)) {
    if (isMapping(entry) && typeof entry.file === "string") entry.file = resolveHostPath(entry.file, base);
  }
}

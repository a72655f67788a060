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

/** `additional_contexts` values that name an image, a URL or another service rather than a directory. */
const NOT_A_DIRECTORY = /^([a-z][a-z0-9+.-]*:\/\/|service:|git@)/;

/** True for an `additional_contexts` value that is a local directory (made absolute like a path). */
export function isLocalContext(value: string): boolean {
  return !NOT_A_DIRECTORY.test(value);
}

/** How a service from another file is rebased. */
interface RebaseOptions {
  /**
   * A `build` without `context` gets the other file's directory. True for `include` (the
   * included file is a project of its own); false for `extends.file`, where compose-go fills the
   * default `.` only after the merge, so it is the extending project's directory.
   */
  readonly defaultContext: boolean;
}

/**
 * Makes a raw service's relative paths absolute against `base` — used for services that come
 * from another file (`extends.file`, `include`), whose paths are relative to that file. The keys
 * are those compose-go's path resolver knows: build context, additional contexts and ssh keys,
 * env and label files, bind mounts and `develop.watch` paths.
 */
export function rebaseServicePaths(service: LocatedMap, base: string, options: RebaseOptions): LocatedMap {
  const out: LocatedMap = service;
  const build = out.build;
  if (typeof build === "string" && !isRemoteContext(build)) out.build = resolveHostPath(build, base);
  else if (isMapping(build)) rebaseBuild(build, base, options);
  const rebaseEnvFile = (entry: unknown): unknown =>
    typeof entry === "string"
      ? resolveHostPath(entry, base)
      : isMapping(entry) && typeof entry.path === "string"
        ? Object.assign(entry, { path: resolveHostPath(entry.path, base) })
        : entry;
  eachEntry(out, "env_file", rebaseEnvFile);
  eachEntry(out, "label_file", (entry) => (typeof entry === "string" ? resolveHostPath(entry, base) : entry));
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
  const watch = isMapping(out.develop) ? out.develop.watch : undefined;
  if (Array.isArray(watch))
    for (const entry of watch)
      if (isMapping(entry) && typeof entry.path === "string") entry.path = resolveHostPath(entry.path, base);
  return out;
}

function rebaseBuild(build: LocatedMap, base: string, { defaultContext }: RebaseOptions): void {
  if (typeof build.context === "string" && !isRemoteContext(build.context))
    build.context = resolveHostPath(build.context, base);
  else if (build.context === undefined && defaultContext) build.context = base;
  const local = (value: string) => (isLocalContext(value) ? resolveHostPath(value, base) : value);
  eachValue(build.additional_contexts, local);
  // an ssh entry is `id` (the agent) or `id=path`
  eachValue(build.ssh, (value) => resolveHostPath(value, base));
}

/** Applies `rebase` to `map[key]`, one entry or a list of them; an absent key stays absent. */
function eachEntry(map: LocatedMap, key: string, rebase: (entry: unknown) => unknown): void {
  const value = map[key];
  if (Array.isArray(value))
    value.forEach((entry, index) => {
      value[index] = rebase(entry);
    });
  else if (value !== undefined) map[key] = rebase(value);
}

/** Applies `rebase` to the values of a mapping or of a `KEY=VALUE` list (a bare `KEY` has no value). */
function eachValue(value: unknown, rebase: (path: string) => string): void {
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      if (typeof entry !== "string") return;
      const equals = entry.indexOf("=");
      if (equals !== -1) value[index] = `${entry.slice(0, equals)}=${rebase(entry.slice(equals + 1))}`;
    });
  } else if (isMapping(value)) {
    for (const [key, entry] of Object.entries(value))
      if (typeof entry === "string") value[key] = rebase(entry);
  }
}

/** Makes `file:` of top-level secrets/configs absolute against `base`. */
export function rebaseFileObjects(objects: unknown, base: string): void {
  if (!isMapping(objects)) return;
  for (const entry of Object.values(objects)) {
    if (isMapping(entry) && typeof entry.file === "string") entry.file = resolveHostPath(entry.file, base);
  }
}

/**
 * A top-level volume whose `device` compose-go treats as a host path: `driver: local` written
 * out and `o: bind` exactly (any other volume's options go to its driver as they are).
 */
export function isLocalBindVolume(volume: unknown): volume is LocatedMap & { driver_opts: LocatedMap } {
  if (!isMapping(volume) || volume.driver !== "local" || !isMapping(volume.driver_opts)) return false;
  return volume.driver_opts.o === "bind" && typeof volume.driver_opts.device === "string";
}

/** Makes the `device` of local bind volumes absolute against `base` (an included file's volumes). */
export function rebaseVolumeDevices(volumes: unknown, base: string): void {
  if (!isMapping(volumes)) return;
  for (const volume of Object.values(volumes))
    if (isLocalBindVolume(volume))
      volume.driver_opts.device = resolveHostPath(String(volume.driver_opts.device), base);
}

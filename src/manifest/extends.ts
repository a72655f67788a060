import { dirname, resolve } from "node:path";
import type { Problem, SourceLocation } from "../errors.js";
import { attachLocations, cloneLocated, isMapping, type LocatedMap, locate, locationsOf } from "./located.js";
import { mergeMappings } from "./merge.js";
import { rebaseServicePaths } from "./rebase-paths.js";

/**
 * Reads another Compose file (already interpolated); provided by the loader so files are read once.
 * `referencedAt` is where the file is named, for the error when it cannot be read.
 */
export type ReadFile = (file: string, referencedAt?: SourceLocation) => LocatedMap | undefined;

interface ExtendsTarget {
  readonly file: string;
  readonly service: string;
}

function extendsTarget(service: LocatedMap, file: string, dir: string): ExtendsTarget | string | undefined {
  const spec = service.extends;
  if (spec === undefined) return undefined;
  if (typeof spec === "string") return { file, service: spec };
  if (isMapping(spec) && typeof spec.service === "string") {
    const other = typeof spec.file === "string" ? resolve(dir, spec.file) : file;
    return { file: other, service: spec.service };
  }
  return "extends must be a service name or a mapping with service: (and optionally file:)";
}

/**
 * Resolves `extends` of every service in one file: the base service is merged under the extending
 * one by the Compose merge rules, recursively, across files; a loop is an error that prints it.
 */
export function resolveExtends(
  root: LocatedMap,
  file: string,
  readFile: ReadFile,
  workingDir: string,
): { services: LocatedMap; problems: Problem[] } {
  // `extends.file` is relative to the project's directory in a file the project loads (as every
  // relative path there), and to the extended file's own directory in a file reached by extends
  const dirOf = (inFile: string) => (inFile === file ? workingDir : dirname(inFile));
  const problems: Problem[] = [];
  const services = isMapping(root.services) ? root.services : {};
  const resolved = new Map<string, LocatedMap>();

  const resolveService = (
    name: string,
    inFile: string,
    fileRoot: LocatedMap,
    chain: string[],
  ): LocatedMap | undefined => {
    const key = `${inFile}#${name}`;
    const cached = resolved.get(key);
    if (cached) return cached;
    const fileServices = isMapping(fileRoot.services) ? fileRoot.services : {};
    const service = fileServices[name];
    if (!isMapping(service)) return undefined;
    const target = extendsTarget(service, inFile, dirOf(inFile));
    if (target === undefined) return service;
    const at = locate(fileRoot, ["services", name, "extends"]);
    if (typeof target === "string") {
      problems.push({
        code: "E_MANIFEST_EXTENDS",
        message: target,
        path: `services.${name}.extends`,
        location: at,
      });
      return undefined;
    }
    const targetKey = `${target.file}#${target.service}`;
    if (chain.includes(targetKey)) {
      const loop = [...chain.slice(chain.indexOf(targetKey)), targetKey]
        .map((k) => k.split("#")[1])
        .join(" → ");
      problems.push({
        code: "E_MANIFEST_EXTENDS_CYCLE",
        message: `services extend each other in a loop: ${loop}`,
        hint: "remove one of the extends",
        path: `services.${name}.extends`,
        location: at,
      });
      return undefined;
    }
    const targetRoot =
      target.file === inFile
        ? fileRoot
        : readFile(target.file, locate(fileRoot, ["services", name, "extends", "file"]));
    if (!targetRoot) return undefined;
    const base = resolveService(target.service, target.file, targetRoot, [...chain, targetKey]);
    if (!base) {
      if (!problems.some((p) => p.code.startsWith("E_MANIFEST_EXTENDS"))) {
        problems.push({
          code: "E_MANIFEST_EXTENDS",
          message: `service "${name}" extends "${target.service}", which is not defined in ${target.file}`,
          hint: "check the service name and the file in extends",
          path: `services.${name}.extends`,
          location: at,
        });
      }
      return undefined;
    }
    const baseCopy = cloneLocated(base);
    const fromOtherFile = target.file !== inFile;
    const rebased = fromOtherFile
      ? rebaseServicePaths(baseCopy, dirname(target.file), { defaultContext: false })
      : baseCopy;
    const own = mergeMappings({}, service);
    delete own.extends;
    const result = mergeMappings(rebased, own);
    resolved.set(key, result);
    return result;
  };

  const out: LocatedMap = {};
  for (const name of Object.keys(services)) {
    const service = resolveService(name, file, root, [`${file}#${name}`]);
    if (service) out[name] = service;
    else if (!isMapping(services[name])) out[name] = services[name];
  }
  const locations = locationsOf(services);
  return { services: locations ? attachLocations(out, locations) : out, problems };
}

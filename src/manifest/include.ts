import { dirname, relative, resolve } from "node:path";
import { formatPath, type Problem } from "../errors.js";
import { interpolationEnvironment } from "./environment.js";
import { type ReadFile, resolveExtends } from "./extends.js";
import { isMapping, type LocatedMap, locate } from "./located.js";
import { mergeMappings } from "./merge.js";
import { readComposeFile } from "./read-file.js";
import { rebaseFileObjects, rebaseServicePaths, rebaseVolumeDevices } from "./rebase-paths.js";

const SECTIONS = ["services", "networks", "volumes", "secrets", "configs"] as const;

interface IncludeContext {
  readonly cwd: string;
  /** The including project's variables; they win over the included project's `.env`, as in compose-go. */
  readonly lookup: (name: string) => string | undefined;
  readonly readFile: ReadFile;
  /** The files whose `include` led here, outermost first (to report a cycle with its path). */
  readonly chain?: readonly string[];
  /**
   * What relative `path`, `project_directory` and `env_file` of an entry are relative to, as in
   * compose-go: the project directory (for every `-f` file), or the including project's directory.
   */
  readonly workingDir: string;
}

interface IncludeEntry {
  readonly paths: readonly string[];
  readonly projectDirectory: string | undefined;
  readonly envFiles: readonly string[];
}

function parseEntry(entry: unknown, base: string): IncludeEntry | undefined {
  const list = (v: unknown) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : []);
  if (typeof entry === "string")
    return { paths: [resolve(base, entry)], projectDirectory: undefined, envFiles: [] };
  if (!isMapping(entry) || entry.path === undefined) return undefined;
  return {
    paths: list(entry.path).map((p) => resolve(base, p)),
    projectDirectory:
      typeof entry.project_directory === "string" ? resolve(base, entry.project_directory) : undefined,
    envFiles: list(entry.env_file).map((p) => resolve(base, p)),
  };
}

/**
 * `include`: each entry is loaded as its own Compose application (its own directory for relative
 * paths and its own `.env`), and its resources are added; defining the same resource twice is an error.
 */
export function resolveIncludes(
  root: LocatedMap,
  file: string,
  context: IncludeContext,
): { root: LocatedMap; problems: Problem[] } {
  const problems: Problem[] = [];
  const entries = root.include;
  const out = mergeMappings({}, root);
  delete out.include;
  if (entries === undefined) return { root: out, problems };
  if (!Array.isArray(entries)) {
    problems.push({
      code: "E_MANIFEST_INCLUDE",
      message: "include must be a list",
      path: "include",
      location: locate(root, ["include"]),
    });
    return { root: out, problems };
  }
  const chain = [...(context.chain ?? []), file];
  entries.forEach((raw, index) => {
    const at = locate(root, ["include", index]);
    const entry = parseEntry(raw, context.workingDir);
    if (!entry) {
      problems.push({
        code: "E_MANIFEST_INCLUDE",
        message: "an include entry is a path or a mapping with path: (and project_directory:, env_file:)",
        path: formatPath(["include", index]),
        location: at,
      });
      return;
    }
    const projectDirectory = entry.projectDirectory ?? dirname(entry.paths[0] ?? file);
    const environment = interpolationEnvironment(
      context.lookup,
      entry.envFiles,
      context.cwd,
      projectDirectory,
    );
    // an env file that cannot be read is reported at the include entry that names it
    problems.push(...environment.problems.map((p) => (p.location ? p : { ...p, location: at })));
    let included: LocatedMap = {};
    for (const [pathIndex, path] of entry.paths.entries()) {
      const pathAt = locate(root, ["include", index, "path", pathIndex]);
      if (chain.includes(path)) {
        const cycle = [...chain.slice(chain.indexOf(path)), path].map((f) => relative(dirname(chain[0]!), f));
        problems.push({
          code: "E_MANIFEST_INCLUDE_CYCLE",
          message: `include cycle: ${cycle.join(" → ")}`,
          hint: "remove one of the includes that lead back to a file already being included",
          path: formatPath(["include", index]),
          location: pathAt,
        });
        continue;
      }
      const read = readComposeFile(path, environment.lookup, pathAt);
      problems.push(...read.problems);
      if (!read.value) continue;
      const nested = resolveIncludes(read.value, path, {
        ...context,
        lookup: environment.lookup,
        chain,
        workingDir: projectDirectory,
      });
      problems.push(...nested.problems);
      const extended = resolveExtends(nested.root, path, context.readFile, projectDirectory);
      problems.push(...extended.problems);
      for (const service of Object.values(extended.services)) {
        if (isMapping(service)) rebaseServicePaths(service, projectDirectory, { defaultContext: true });
      }
      rebaseFileObjects(nested.root.secrets, projectDirectory);
      rebaseFileObjects(nested.root.configs, projectDirectory);
      rebaseVolumeDevices(nested.root.volumes, projectDirectory);
      included = mergeMappings(included, { ...nested.root, services: extended.services });
    }
    for (const section of SECTIONS) {
      const mine = isMapping(out[section]) ? out[section] : {};
      const theirs = isMapping(included[section]) ? included[section] : {};
      for (const name of Object.keys(theirs)) {
        if (name in mine) {
          problems.push({
            code: "E_MANIFEST_INCLUDE_CONFLICT",
            message: `${section}.${name} is defined both here and in the included ${entry.paths.join(", ")}`,
            hint: "rename one of them, or extend the included one instead",
            path: formatPath([section, name]),
            location: locate(root, [section, name]),
          });
        }
      }
      out[section] = mergeMappings(theirs, mine);
    }
  });
  return { root: out, problems };
}

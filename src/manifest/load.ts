import { formatPath, type Problem, type SourceLocation } from "../errors.js";
import { defaultProjectDirectory, discoverFiles } from "./discover.js";
import { interpolationEnvironment } from "./environment.js";
import { resolveExtends } from "./extends.js";
import { finalizeTree } from "./finalize-tree.js";
import { resolveIncludes } from "./include.js";
import { locationKey } from "./interpolate-tree.js";
import { issuesToProblems } from "./issues.js";
import { isMapping, type LocatedMap, locate } from "./located.js";
import { mergeMappings } from "./merge.js";
import type { AppSpec } from "./model.js";
import { normalizeApp } from "./normalize.js";
import { withProjectName } from "./project-name.js";
import { readComposeFile } from "./read-file.js";
import { composeSchema } from "./schema/compose.js";

/** What `-f`, `--env-file`, `-p`, `--profile` and `--project-directory` say, plus the environment. */
export interface LoadOptions {
  /** Compose files in order; default: discovered in the project directory. */
  readonly files?: readonly string[];
  readonly projectDirectory?: string | undefined;
  readonly projectName?: string | undefined;
  readonly envFiles?: readonly string[];
  readonly profiles?: readonly string[];
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default `process.cwd()`. */
  readonly cwd?: string;
}

/** The outcome of loading: a spec when there were no errors, and every problem (errors and warnings). */
export interface LoadResult {
  readonly spec: AppSpec | undefined;
  readonly problems: readonly Problem[];
  /** Where a key path of the spec (`services.api.ports[1]`) was written, for later stages' messages. */
  readonly locate: (path: readonly (string | number)[]) => SourceLocation | undefined;
  /**
   * False when the value at a spec path was not written in the file as it is: it came from a
   * variable (`${PW}`) or from the environment (a bare `KEY`). Lint rules use it to tell a
   * password typed into the file from a reference to one.
   */
  readonly isLiteral: (path: readonly (string | number)[]) => boolean;
}

const isError = (problem: Problem) => problem.severity !== "warning";

/**
 * Loads Compose files into one validated, fully defaulted, readonly AppSpec:
 * read → interpolate → include → extends → merge → validate → normalize.
 */
export function loadManifest(options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const problems: Problem[] = [];
  const discovered = discoverFiles(options.files ?? [], cwd, options.projectDirectory);
  problems.push(...discovered.problems);
  if (discovered.files.length === 0)
    return { spec: undefined, problems, locate: () => undefined, isLiteral: () => true };
  const projectDirectory = defaultProjectDirectory(discovered.files, cwd, options.projectDirectory);
  const environment = interpolationEnvironment(env, options.envFiles ?? [], cwd, projectDirectory);
  problems.push(...environment.problems);
  const lookup = withProjectName(environment.lookup, {
    projectName: options.projectName,
    files: discovered.files,
    projectDirectory,
  });

  const cache = new Map<string, LocatedMap | undefined>();
  const interpolated = new Set<string>();
  const readFile = (file: string, referencedAt?: SourceLocation): LocatedMap | undefined => {
    if (!cache.has(file)) {
      const read = readComposeFile(file, lookup, referencedAt);
      problems.push(...read.problems);
      for (const key of read.interpolated ?? []) interpolated.add(key);
      cache.set(file, read.value);
    }
    return cache.get(file);
  };

  let merged: LocatedMap | undefined;
  for (const file of discovered.files) {
    const root = readFile(file);
    if (!root) continue;
    const included = resolveIncludes(root, file, { cwd, lookup, readFile, workingDir: projectDirectory });
    problems.push(...included.problems);
    const extended = resolveExtends(included.root, file, readFile, projectDirectory);
    problems.push(...extended.problems);
    if (isMapping(included.root.services)) included.root.services = extended.services;
    merged = merged ? mergeMappings(merged, included.root) : included.root;
  }
  if (!merged) return { spec: undefined, problems, locate: () => undefined, isLiteral: () => true };

  const withoutExtensions = finalizeTree(merged);
  const parsed = composeSchema.safeParse(withoutExtensions);
  if (!parsed.success) {
    // a value whose interpolation failed was kept as written; its error is already reported
    const failed = new Set(
      problems.flatMap((p) =>
        p.code === "E_MANIFEST_INTERPOLATION" && p.location ? [locationKey(p.location)] : [],
      ),
    );
    const invalid = issuesToProblems(parsed.error.issues, withoutExtensions);
    problems.push(...invalid.filter((p) => !failed.has(locationKey(p.location))));
    return {
      spec: undefined,
      problems,
      locate: (path) => locate(withoutExtensions, path),
      isLiteral: () => true,
    };
  }
  if (parsed.data.version !== undefined) {
    problems.push({
      code: "W_MANIFEST_VERSION",
      severity: "warning",
      message: "the top-level `version` is obsolete and ignored",
      hint: "remove the `version:` line",
      location: { file: discovered.files[0]!, line: 1, column: 1 },
    });
  }
  const normalized = normalizeApp(parsed.data, withoutExtensions, {
    files: discovered.files,
    projectDirectory,
    // like any variable, these come from the environment or else from .env / --env-file
    projectName: options.projectName ?? (environment.lookup("COMPOSE_PROJECT_NAME") || undefined),
    // env_file values and bare `environment` keys see COMPOSE_PROJECT_NAME too, as in Compose
    lookup,
    profiles: options.profiles?.length
      ? options.profiles
      : (environment.lookup("COMPOSE_PROFILES")?.split(",").filter(Boolean) ?? []),
  });
  problems.push(...normalized.problems);
  return {
    spec: problems.some(isError) ? undefined : normalized.spec,
    problems,
    locate: (path) => locate(withoutExtensions, path),
    isLiteral: (path) =>
      !interpolated.has(locationKey(locate(withoutExtensions, path))) &&
      !normalized.fromEnvironment.has(formatPath(path)),
  };
}

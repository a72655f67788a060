import { readManifestText } from "./bounded-read.js";
import { defaultProjectDirectory, discoverFiles, projectNameFromDirectory } from "./discover.js";
import { interpolationEnvironment } from "./environment.js";
import { interpolate } from "./interpolate.js";
import { isMapping } from "./located.js";
import { parseYaml } from "./parse-yaml.js";

type Lookup = (name: string) => string | undefined;

/** The top-level `name:` of the last file that sets one, interpolated; undefined when none does. */
function nameFromFiles(files: readonly string[], lookup: Lookup): string | undefined {
  let found: string | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readManifestText(file);
    } catch {
      continue; // reported when the file is loaded
    }
    for (const document of parseYaml(file, text).documents) {
      const name = isMapping(document) ? document.name : undefined;
      if (typeof name !== "string") continue;
      const result = interpolate(name, lookup);
      if (result.ok) found = result.value;
    }
  }
  return found;
}

/**
 * Interpolation variables with `COMPOSE_PROJECT_NAME` defined as Compose defines it: `-p`, else
 * the variable itself, else the files' `name:`, else the project directory's name. Worked out only
 * when a file refers to it, as that means reading the files' names first.
 */
export function withProjectName(
  lookup: Lookup,
  options: {
    readonly projectName?: string | undefined;
    readonly files: readonly string[];
    readonly projectDirectory: string;
  },
): Lookup {
  let projectName: string | undefined;
  const resolveName = () =>
    options.projectName ??
    (lookup("COMPOSE_PROJECT_NAME") || undefined) ??
    nameFromFiles(options.files, lookup) ??
    projectNameFromDirectory(options.projectDirectory);
  return (name) => {
    if (name !== "COMPOSE_PROJECT_NAME") return lookup(name);
    projectName ??= resolveName();
    return projectName;
  };
}

/** What `loadManifest` accepts as a project name (normalize.ts checks the same). */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The project name `loadManifest` gives the files found here, read from the files' `name:` alone
 * (no schema, no merge): for commands that only need to know which project (`ps`, `logs`). Undefined
 * when no file is found or the name is not valid — the full load then reports why.
 */
export function quickProjectName(options: {
  readonly files: readonly string[];
  readonly envFiles: readonly string[];
  readonly projectDirectory?: string | undefined;
}): string | undefined {
  const cwd = process.cwd();
  const discovered = discoverFiles(options.files, cwd, options.projectDirectory);
  if (discovered.files.length === 0 || discovered.problems.length > 0) return undefined;
  const projectDirectory = defaultProjectDirectory(discovered.files, cwd, options.projectDirectory);
  const environment = interpolationEnvironment(process.env, options.envFiles, cwd, projectDirectory);
  const name = withProjectName(environment.lookup, { files: discovered.files, projectDirectory })(
    "COMPOSE_PROJECT_NAME",
  );
  return name !== undefined && PROJECT_NAME.test(name) ? name : undefined;
}

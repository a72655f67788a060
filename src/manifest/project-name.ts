import { readRegularFile } from "../host/read-regular-file.js";
import { projectNameFromDirectory } from "./discover.js";
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
      text = readRegularFile(file);
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

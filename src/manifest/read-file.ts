import type { Problem, SourceLocation } from "../errors.js";
import { describeReadError, readManifestText } from "./bounded-read.js";
import { interpolateTree } from "./interpolate-tree.js";
import { isMapping, type LocatedMap } from "./located.js";
import { mergeMappings } from "./merge.js";
import { parseYaml } from "./parse-yaml.js";

/**
 * Reads one Compose file: YAML with positions, then interpolation. Undefined value when it cannot
 * be used. `referencedAt` is where another file names this one (`extends.file`, `include`): a file
 * that cannot be read is reported there, as its own line 1 does not exist.
 */
export function readComposeFile(
  file: string,
  lookup: (name: string) => string | undefined,
  referencedAt?: SourceLocation,
): {
  readonly value: LocatedMap | undefined;
  readonly problems: readonly Problem[];
  /** Locations (`file:line:column`) of values that came from variables. */
  readonly interpolated?: ReadonlySet<string>;
} {
  let text: string;
  try {
    text = readManifestText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      value: undefined,
      problems: [
        {
          code: "E_MANIFEST_NOT_FOUND",
          message: `${file} ${describeReadError(code)}`,
          hint: "check the path given with -f, extends.file or include",
          location: referencedAt ?? { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const parsed = parseYaml(file, text);
  if (parsed.problems.length > 0) return { value: undefined, problems: parsed.problems };
  const documents = parsed.documents.filter((document) => document !== null && document !== undefined);
  if (documents.length === 0) {
    return {
      value: undefined,
      problems: [
        {
          code: "E_MANIFEST_EMPTY",
          message: `${file} is empty`,
          hint: "add `services:`, or leave the file out",
          location: referencedAt ?? { file, line: 1, column: 1 },
        },
      ],
    };
  }
  // several `---` documents are merged in order, as several files would be
  const value = documents.every(isMapping) ? (documents as LocatedMap[]).reduce(mergeMappings) : documents[0];
  if (!isMapping(value)) {
    return {
      value: undefined,
      problems: [
        {
          code: "E_MANIFEST_TYPE",
          message: "a Compose file must be a mapping (with services:, volumes:, …) at the top level",
          hint: "start the file with `services:`",
          location: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const interpolated = interpolateTree(value, lookup);
  return {
    value: interpolated.value as LocatedMap,
    problems: interpolated.problems,
    interpolated: interpolated.interpolated,
  };
}

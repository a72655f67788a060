import { readFileSync } from "node:fs";
import type { Problem } from "../errors.js";
import { interpolateTree } from "./interpolate-tree.js";
import { isMapping, type LocatedMap } from "./located.js";
import { parseYaml } from "./parse-yaml.js";

/** Reads one Compose file: YAML with positions, then interpolation. Undefined value when it cannot be used. */
export function readComposeFile(
  file: string,
  lookup: (name: string) => string | undefined,
): {
  readonly value: LocatedMap | undefined;
  readonly problems: readonly Problem[];
  /** Locations (`file:line:column`) of values that came from variables. */
  readonly interpolated?: ReadonlySet<string>;
} {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      value: undefined,
      problems: [
        {
          code: "E_MANIFEST_NOT_FOUND",
          message: code === "ENOENT" ? `${file} does not exist` : `cannot read ${file} (${code ?? "error"})`,
          hint: "check the path given with -f, extends.file or include",
          location: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const parsed = parseYaml(file, text);
  if (parsed.problems.length > 0) return { value: undefined, problems: parsed.problems };
  if (parsed.value === null || parsed.value === undefined) return { value: {}, problems: [] };
  if (!isMapping(parsed.value)) {
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
  const interpolated = interpolateTree(parsed.value, lookup);
  return {
    value: interpolated.value as LocatedMap,
    problems: interpolated.problems,
    interpolated: interpolated.interpolated,
  };
}

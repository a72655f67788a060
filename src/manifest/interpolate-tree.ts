import type { Problem, SourceLocation } from "../errors.js";
import { formatPath } from "../errors.js";
import { interpolate } from "./interpolate.js";
import { attachLocations, isMapping, locate, locationsOf } from "./located.js";
import { MergeTag } from "./parse-yaml.js";

/**
 * Interpolates every string value of a parsed file (keys stay as written, as in Compose).
 * Unset variables without a default become empty and are reported once each as warnings.
 */
export function interpolateTree(
  root: unknown,
  lookup: (name: string) => string | undefined,
): {
  readonly value: unknown;
  readonly problems: readonly Problem[];
  readonly interpolated: ReadonlySet<string>;
} {
  const problems: Problem[] = [];
  const interpolated = new Set<string>();
  const warned = new Set<string>();

  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (value instanceof MergeTag) return new MergeTag(value.tag, visit(value.value, path));
    if (typeof value === "string") {
      if (!value.includes("$")) return value;
      const result = interpolate(value, lookup);
      if (value.replaceAll("$$", "").includes("$")) interpolated.add(locationKey(locate(root, path)));
      if (!result.ok) {
        problems.push({
          code: "E_MANIFEST_INTERPOLATION",
          message: result.message,
          hint: result.hint,
          path: formatPath(path),
          location: locate(root, path),
        });
        return value;
      }
      for (const name of result.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        problems.push({
          code: "W_MANIFEST_UNSET_VARIABLE",
          severity: "warning",
          message: `variable ${name} is not set; using an empty string`,
          hint: `set ${name} in the environment or an .env file, or write \${${name}:-default}`,
          path: formatPath(path),
          location: locate(root, path),
        });
      }
      return result.value;
    }
    const locations = locationsOf(value);
    if (Array.isArray(value)) {
      const out = value.map((item, index) => visit(item, [...path, index]));
      return locations ? attachLocations(out, locations) : out;
    }
    if (isMapping(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = visit(item, [...path, key]);
      return locations ? attachLocations(out, locations) : out;
    }
    return value;
  };

  return { value: visit(root, []), problems, interpolated };
}

/** `file:line:column`, the identity of a written scalar. */
export function locationKey(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : "";
}

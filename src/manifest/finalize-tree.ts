import { attachLocations, isMapping, locationsOf } from "./located.js";
import { MergeTag } from "./parse-yaml.js";

/** Extension keys slipway reads itself; every other `x-…` key is allowed anywhere and ignored. */
const KNOWN_EXTENSIONS = new Set(["x-slipway"]);

/**
 * The last step before validation: removes `x-…` keys (the spec allows them anywhere, so validation
 * only sees fields it knows) and the `!reset` / `!override` tags that had nothing left to merge with.
 */
export function finalizeTree(value: unknown): unknown {
  if (value instanceof MergeTag) return value.tag === "reset" ? undefined : finalizeTree(value.value);
  const locations = locationsOf(value);
  if (Array.isArray(value)) {
    const out = value.map(finalizeTree).filter((item) => item !== undefined);
    return locations ? attachLocations(out, locations) : out;
  }
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith("x-") && !KNOWN_EXTENSIONS.has(key)) continue;
    const finalized = finalizeTree(item);
    if (finalized !== undefined) out[key] = finalized;
  }
  return locations ? attachLocations(out, locations) : out;
}

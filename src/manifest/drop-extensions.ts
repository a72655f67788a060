import { attachLocations, isMapping, locationsOf } from "./located.js";

/** Extension keys slipway reads itself; every other `x-…` key is allowed anywhere and ignored. */
const KNOWN_EXTENSIONS = new Set(["x-slipway"]);

/** Removes `x-…` keys (the spec allows them anywhere) so validation only sees fields it knows. */
export function dropExtensions(value: unknown, depth = 0): unknown {
  const locations = locationsOf(value);
  if (Array.isArray(value)) {
    const out = value.map((item) => dropExtensions(item, depth + 1));
    return locations ? attachLocations(out, locations) : out;
  }
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith("x-") && !KNOWN_EXTENSIONS.has(key)) continue;
    out[key] = dropExtensions(item, depth + 1);
  }
  return locations ? attachLocations(out, locations) : out;
}

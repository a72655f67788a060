import { attachLocations, isMapping, type LocatedMap, locationsOf, newLocations } from "./located.js";
import { MergeTag } from "./parse-yaml.js";

/** Service keys whose later value replaces the earlier one instead of appending (Compose merge rules). */
const REPLACED_SEQUENCES = new Set(["command", "entrypoint", "test", "profiles"]);
/** Service keys written as a list or a mapping; both sides become mappings before merging. */
const LIST_OR_DICT = new Set([
  "environment",
  "labels",
  "extra_hosts",
  "args",
  "sysctls",
  "annotations",
  "depends_on",
  "networks",
]);
/** Sequences of unique resources: a later entry with the same key replaces the earlier one. */
const UNIQUE_BY: Record<string, (entry: unknown) => string> = {
  volumes: (entry) =>
    typeof entry === "string" ? volumeTarget(entry) : String((entry as LocatedMap).target),
  secrets: fileGrantKey,
  configs: fileGrantKey,
  ports: (entry) => JSON.stringify(entry),
};

function volumeTarget(spec: string): string {
  const parts = spec.split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function fileGrantKey(entry: unknown): string {
  if (typeof entry === "string") return entry;
  const grant = entry as LocatedMap;
  return String(grant.target ?? grant.source);
}

/** Turns the list form of a list-or-dict field into its mapping form, keeping positions. */
function asMapping(key: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const locations = locationsOf(value);
  const out: LocatedMap = {};
  const outLocations = newLocations(locations?.self ?? { file: "", line: 0, column: 0 });
  value.forEach((entry, index) => {
    const text = String(entry);
    const eq = text.indexOf("=");
    let name = text;
    let entryValue: unknown = null;
    if (key === "depends_on") entryValue = { condition: "service_started" };
    else if (key !== "networks" && eq !== -1) {
      name = text.slice(0, eq);
      entryValue = text.slice(eq + 1);
    }
    out[name] = entryValue;
    const at = locations?.values.get(index);
    if (at) {
      outLocations.keys.set(name, at);
      outLocations.values.set(name, at);
    }
  });
  return attachLocations(out, outLocations);
}

function mergeSequences(key: string, base: unknown[], override: unknown[]): unknown[] {
  const baseLocations = locationsOf(base);
  const overrideLocations = locationsOf(override);
  const keyOf = UNIQUE_BY[key];
  const entries: { value: unknown; at: ReturnType<NonNullable<typeof baseLocations>["values"]["get"]> }[] =
    [];
  const push = (value: unknown, at: (typeof entries)[number]["at"]) => {
    const identity = keyOf ? keyOf(value) : JSON.stringify(value);
    const existing = entries.findIndex(
      (e) => (keyOf ? keyOf(e.value) : JSON.stringify(e.value)) === identity,
    );
    if (existing === -1) entries.push({ value, at });
    else if (keyOf) entries[existing] = { value, at };
  };
  base.forEach((value, index) => push(value, baseLocations?.values.get(index)));
  override.forEach((value, index) => push(value, overrideLocations?.values.get(index)));
  const locations = newLocations(
    overrideLocations?.self ?? baseLocations?.self ?? { file: "", line: 0, column: 0 },
  );
  entries.forEach((entry, index) => {
    if (entry.at) locations.values.set(index, entry.at);
  });
  return attachLocations(
    entries.map((e) => e.value),
    locations,
  );
}

/** Merges a later Compose value over an earlier one by the Compose merge rules. `key` is the field name. */
export function mergeValues(key: string, base: unknown, override: unknown): unknown {
  if (override instanceof MergeTag) return override.tag === "reset" ? undefined : override.value;
  if (base instanceof MergeTag) return mergeValues(key, base.value, override);
  if (LIST_OR_DICT.has(key)) {
    base = asMapping(key, base);
    override = asMapping(key, override);
  }
  if (Array.isArray(base) && Array.isArray(override) && !REPLACED_SEQUENCES.has(key)) {
    return mergeSequences(key, base, override);
  }
  if (isMapping(base) && isMapping(override)) return mergeMappings(base, override);
  return override;
}

/** Mapping merge: entries are added or merged; positions follow the value that won. */
export function mergeMappings(base: LocatedMap, override: LocatedMap): LocatedMap {
  const baseLocations = locationsOf(base);
  const overrideLocations = locationsOf(override);
  const out: LocatedMap = {};
  const locations = newLocations(
    overrideLocations?.self ?? baseLocations?.self ?? { file: "", line: 0, column: 0 },
  );
  const copyLocation = (from: typeof baseLocations, key: string) => {
    const keyAt = from?.keys.get(key);
    const valueAt = from?.values.get(key);
    if (keyAt) locations.keys.set(key, keyAt);
    if (valueAt) locations.values.set(key, valueAt);
  };
  for (const [key, value] of Object.entries(base)) {
    if (value instanceof MergeTag && value.tag === "reset") continue;
    out[key] = value;
    copyLocation(baseLocations, key);
  }
  for (const [key, value] of Object.entries(override)) {
    // One-sided values keep nested `!reset`/`!override` tags; `finalizeTree` removes them once at the end.
    const merged = key in out ? mergeValues(key, out[key], value) : value;
    if (merged === undefined) {
      delete out[key];
      continue;
    }
    out[key] = merged;
    copyLocation(overrideLocations, key);
  }
  return attachLocations(out, locations);
}

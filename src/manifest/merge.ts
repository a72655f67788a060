import type { SourceLocation } from "../errors.js";
import { attachLocations, isMapping, type LocatedMap, locationsOf, newLocations } from "./located.js";
import { MergeTag } from "./parse-yaml.js";
import { splitExtraHost } from "./schema/extra-hosts.js";
import { splitKeyValue } from "./schema/scalars.js";

const NOWHERE: SourceLocation = { file: "", line: 0, column: 0 };

/** Service keys whose later value replaces the earlier one instead of appending (Compose merge rules). */
const REPLACED_SEQUENCES = new Set(["command", "entrypoint", "test", "profiles"]);

type EntryParser = (entry: string) => readonly [string, unknown] | undefined;

/**
 * Service keys written as a list or a mapping; both sides become mappings before merging. Each
 * reads a list entry with the parser its schema uses, so merging and validation agree.
 */
const LIST_OR_DICT = new Map<string, EntryParser>([
  ["environment", splitKeyValue],
  ["labels", splitKeyValue],
  ["args", splitKeyValue],
  ["sysctls", splitKeyValue],
  ["annotations", splitKeyValue],
  ["extra_hosts", splitExtraHost],
  ["depends_on", (name) => [name, { condition: "service_started" }]],
  ["networks", (name) => [name, null]],
]);

/** The identity of an entry: the first of `fields` a mapping entry has as a string, else all of it. */
function entryKey(entry: unknown, ...fields: string[]): string {
  if (isMapping(entry)) {
    for (const field of fields) if (typeof entry[field] === "string") return entry[field];
  }
  // any other value (null, a number, a mapping without the field) is left for validation to report;
  // the \0 keeps it from matching a written name
  return `\0${JSON.stringify(entry)}`;
}

/** Sequences of unique resources: a later entry with the same key replaces the earlier one. */
const UNIQUE_BY = new Map<string, (entry: unknown) => string>([
  ["volumes", (entry) => (typeof entry === "string" ? volumeTarget(entry) : entryKey(entry, "target"))],
  ["secrets", (entry) => (typeof entry === "string" ? entry : entryKey(entry, "target", "source"))],
  ["configs", (entry) => (typeof entry === "string" ? entry : entryKey(entry, "target", "source"))],
  ["ports", (entry) => JSON.stringify(entry)],
]);

function volumeTarget(spec: string): string {
  const parts = spec.split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

/**
 * Turns the list form of a list-or-dict field into its mapping form, keeping positions. A list
 * with an entry the field's parser cannot read stays a list (it is invalid).
 */
function asMapping(parse: EntryParser, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const entries = value.map((entry) => (typeof entry === "string" ? parse(entry) : undefined));
  if (entries.some((entry) => entry === undefined)) return value;
  const locations = locationsOf(value);
  const out: LocatedMap = {};
  const outLocations = newLocations(locations?.self ?? NOWHERE);
  entries.forEach((entry, index) => {
    const [name, entryValue] = entry!;
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
  const unique = UNIQUE_BY.get(key);
  const keyOf = unique ?? ((entry: unknown) => JSON.stringify(entry) ?? "");
  const indexOf = new Map<string, number>();
  const values: unknown[] = [];
  const at: (SourceLocation | undefined)[] = [];
  for (const list of [base, override]) {
    const locations = locationsOf(list);
    list.forEach((value, index) => {
      const identity = keyOf(value);
      const existing = indexOf.get(identity);
      if (existing === undefined) {
        indexOf.set(identity, values.length);
        values.push(value);
        at.push(locations?.values.get(index));
      } else if (unique) {
        values[existing] = value;
        at[existing] = locations?.values.get(index);
      }
    });
  }
  const locations = newLocations(locationsOf(override)?.self ?? locationsOf(base)?.self ?? NOWHERE);
  at.forEach((location, index) => {
    if (location) locations.values.set(index, location);
  });
  return attachLocations(values, locations);
}

/** Merges a later Compose value over an earlier one by the Compose merge rules. `key` is the field name. */
export function mergeValues(key: string, base: unknown, override: unknown): unknown {
  if (override instanceof MergeTag) return override.tag === "reset" ? undefined : override.value;
  if (base instanceof MergeTag) return mergeValues(key, base.value, override);
  // `build: ./dir` is the short form of `build: {context: ./dir}`: an override of either form merges.
  if (key === "build" && typeof base === "string" && isMapping(override))
    return mergeMappings(attachLocations({ context: base }, newLocations(NOWHERE)), override);
  if (key === "build" && isMapping(base) && typeof override === "string")
    return mergeMappings(base, attachLocations({ context: override }, newLocations(NOWHERE)));
  const parse = LIST_OR_DICT.get(key);
  if (parse) {
    const [mappedBase, mappedOverride] = [asMapping(parse, base), asMapping(parse, override)];
    const bothLists = Array.isArray(base) && Array.isArray(override);
    // an invalid list is kept, whichever side it is on (both, when both are lists), so validation reports it
    if (Array.isArray(mappedBase) && !bothLists) return mappedBase;
    if (Array.isArray(mappedOverride) && !bothLists) return mappedOverride;
    if (!Array.isArray(mappedBase) && !Array.isArray(mappedOverride)) {
      base = mappedBase;
      override = mappedOverride;
    }
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
  const locations = newLocations(overrideLocations?.self ?? baseLocations?.self ?? NOWHERE);
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

import type { SourceLocation } from "../errors.js";

/**
 * Plain JS values parsed from YAML keep their source positions in a hidden symbol property,
 * so every later stage (interpolation, merge, validation) can point errors at file:line:col.
 */
const LOCATIONS = Symbol("slipway.locations");

/** Positions of a mapping or sequence: itself, each entry's key and each entry's value. */
export interface Locations {
  readonly self: SourceLocation;
  readonly keys: Map<string | number, SourceLocation>;
  readonly values: Map<string | number, SourceLocation>;
}

export type LocatedMap = Record<string, unknown>;

export function locationsOf(value: unknown): Locations | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return (value as { [LOCATIONS]?: Locations })[LOCATIONS];
}

/** Attaches positions to a mapping or sequence (not enumerable, so JSON and zod never see them). */
export function attachLocations<T extends object>(target: T, locations: Locations): T {
  Object.defineProperty(target, LOCATIONS, { value: locations, enumerable: false, configurable: true });
  return target;
}

export function newLocations(self: SourceLocation): Locations {
  return { self, keys: new Map(), values: new Map() };
}

export function isMapping(value: unknown): value is LocatedMap {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The most precise known position for a key path: the entry itself if it was written,
 * otherwise its nearest written ancestor. `atKey` points at the key rather than the value
 * (used for unknown-key errors).
 */
export function locate(
  root: unknown,
  path: readonly PropertyKey[],
  atKey = false,
): SourceLocation | undefined {
  let node: unknown = root;
  let best = locationsOf(root)?.self;
  for (let [index, segment] of path.entries()) {
    const locations = locationsOf(node);
    if (!locations || typeof segment === "symbol") break;
    if (Array.isArray(node) && typeof segment === "string") {
      // `environment: [KEY=value]` is addressed by KEY in the spec, by index in the file.
      const item = node.findIndex((entry) => typeof entry === "string" && entry.split("=")[0] === segment);
      if (item !== -1) segment = item;
    }
    const last = index === path.length - 1;
    const found =
      (last && atKey ? locations.keys : locations.values).get(segment) ?? locations.keys.get(segment);
    if (!found) break;
    best = found;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return best;
}

/** Deep copy that keeps positions, so a stage can change a tree without touching another file's copy. */
export function cloneLocated<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  const locations = locationsOf(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map(cloneLocated);
  else if (isMapping(value))
    out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneLocated(v)]));
  else return value;
  return (locations ? attachLocations(out as object, locations) : out) as T;
}

import { attachLocations, isMapping, locationsOf } from "./located.js";
import { MergeTag } from "./parse-yaml.js";

/** Extension keys slipway reads itself; every other `x-…` key of the spec's own mappings is ignored. */
const KNOWN_EXTENSIONS = new Set(["x-slipway"]);

/**
 * Fields whose mapping is the user's data, kept verbatim: `x-owner` in `labels` is a label, and
 * `x-request-id` in `environment` a variable, not extensions.
 */
const USER_DATA = new Set([
  "labels",
  "environment",
  "annotations",
  "sysctls",
  "extra_hosts",
  "args",
  "driver_opts",
  "options",
  "ssh",
  "additional_contexts",
  "storage_opt",
]);

/** Fields whose keys are names (a volume may be called `x-cache`) and whose values are spec mappings. */
const NAME_MAPS = new Set(["services", "volumes", "networks", "secrets", "configs", "models", "depends_on"]);

/** What a mapping is: part of the spec's structure, a map of names, or user data. */
type Kind = "spec" | "names" | "data";

function kindOf(parent: Kind, key: string): Kind {
  if (parent !== "spec") return parent === "names" ? "spec" : "data";
  return USER_DATA.has(key) ? "data" : NAME_MAPS.has(key) ? "names" : "spec";
}

/**
 * The last step before validation: removes `x-…` keys where the spec allows extensions (its own
 * mappings, so validation only sees fields it knows) and the `!reset` / `!override` tags that had
 * nothing left to merge with.
 */
export function finalizeTree(root: unknown): unknown {
  return finalize(root, "spec");
}

function finalize(value: unknown, kind: Kind): unknown {
  if (value instanceof MergeTag) return value.tag === "reset" ? undefined : finalize(value.value, kind);
  const locations = locationsOf(value);
  if (Array.isArray(value)) {
    const itemKind = kind === "data" ? "data" : "spec";
    const out = value.map((item) => finalize(item, itemKind)).filter((item) => item !== undefined);
    return locations ? attachLocations(out, locations) : out;
  }
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (kind === "spec" && key.startsWith("x-") && !KNOWN_EXTENSIONS.has(key)) continue;
    const finalized = finalize(item, kindOf(kind, key));
    if (finalized !== undefined) out[key] = finalized;
  }
  return locations ? attachLocations(out, locations) : out;
}

import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";

/** Marker prefix of the message zod carries for unknown keys; `issues.ts` turns it back into a hint. */
export const UNKNOWN_KEYS_MARK = "\u0000unknown-keys";

/**
 * A Compose mapping: unknown keys are errors that name the closest allowed key. Extension keys
 * (`x-…`) of the spec's own mappings are dropped before validation (see `finalize-tree.ts`).
 */
export function composeObject<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `${UNKNOWN_KEYS_MARK}${JSON.stringify(allowed)}` : undefined,
  });
}

/** "did you mean" for a misspelt key: the closest allowed key when it is near enough to be a typo. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const best = closest(key, [...allowed]);
  const near = distance(key, best) <= Math.max(2, Math.floor(key.length / 3));
  return near || best.includes(key) || key.includes(best) ? best : undefined;
}

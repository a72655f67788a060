import type { ServiceSpec } from "../manifest/model.js";
import { stableJson } from "../release/hash.js";

/** Keys whose change is reported by its own name; `build`/`image` are judged by the artifact hash. */
const ARTIFACT_KEYS = new Set(["build", "image"]);
const ENV_KEYS = new Set(["environment", "env_file"]);

/**
 * Why a service's revision changed, in words a person reads in `slipway plan`: the artifact
 * ("image changed", "build context changed"), "environment changed", then every other top-level
 * key that differs ("command changed", "deploy changed" …).
 */
export function changeReasons(
  before: ServiceSpec | undefined,
  after: ServiceSpec,
  buildHashBefore: string | undefined,
  buildHashAfter: string,
): string[] {
  if (!before) return ["new service"];
  const reasons: string[] = [];
  if (buildHashBefore !== undefined && buildHashBefore !== buildHashAfter)
    reasons.push(after.build ? "build context changed" : "image changed");
  const differs = (key: string) =>
    stableJson((before as Record<string, unknown>)[key]) !==
    stableJson((after as Record<string, unknown>)[key]);
  if ([...ENV_KEYS].some(differs)) reasons.push("environment changed");
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of [...keys].sort()) {
    if (ENV_KEYS.has(key)) continue;
    if (ARTIFACT_KEYS.has(key) && buildHashBefore !== undefined) continue;
    if (differs(key)) reasons.push(`${key} changed`);
  }
  return reasons;
}

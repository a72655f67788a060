import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

/** PATH used when the instance's env has none (the usual login default). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type ExecutableLookup =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: "not-found" | "not-executable" };

function isExecutableFile(path: string): "yes" | "no-file" | "not-executable" {
  try {
    if (!statSync(path).isFile()) return "no-file";
  } catch {
    return "no-file";
  }
  try {
    accessSync(path, constants.X_OK);
    return "yes";
  } catch {
    return "not-executable";
  }
}

/**
 * Finds argv[0] the way a shell would: a name containing `/` is taken relative to `cwd`, anything
 * else is searched on `pathVariable`. Done before spawning so a missing command is reported as such
 * even when it runs behind a wrapper (unshare, sh) that would only exit 127.
 */
export function resolveExecutable(name: string, pathVariable: string, cwd: string): ExecutableLookup {
  const candidates = name.includes("/")
    ? [resolve(cwd, name)]
    : pathVariable.split(delimiter).map((dir) => join(dir === "" ? cwd : resolve(cwd, dir), name));
  let sawNonExecutable = false;
  for (const candidate of candidates) {
    const verdict = isExecutableFile(candidate);
    if (verdict === "yes") return { found: true, path: candidate };
    if (verdict === "not-executable") sawNonExecutable = true;
  }
  return { found: false, reason: sawNonExecutable ? "not-executable" : "not-found" };
}

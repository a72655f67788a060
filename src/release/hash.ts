import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Directories never part of a build's inputs: installed dependencies and VCS metadata. */
const IGNORED = new Set(["node_modules", ".git"]);

/** Stable JSON (keys sorted) so equal specs hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Hash of a build context: every file's relative path and content (node_modules and .git left
 * out). A context that is not a directory (not there yet) hashes as such: `config` and `plan`
 * accept it as Compose does, and the build reports it.
 */
export function hashDirectory(root: string): string {
  const hash = createHash("sha256");
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    return hash.update(`not a directory\0${root}`).digest("hex");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (IGNORED.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) {
        hash.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
      }
    }
  };
  walk(root);
  return hash.digest("hex");
}

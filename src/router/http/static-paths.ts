import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pathOf, stripPathPrefix } from "./route-table.js";

export type RequestedPath =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly status: 400 | 404 };

/**
 * The file segments a URL asks for under a static route's prefix. Bad percent-encoding and NUL or
 * backslash are 400; `..`, `.` and dotfiles (`.env`, `.git`) are 404, except `.well-known`.
 */
export function requestedPath(prefix: string, url: string): RequestedPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(stripPathPrefix(prefix, pathOf(url)));
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return { ok: false, status: 400 };
  const segments = decoded.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment.startsWith(".") && segment !== ".well-known"))
    return { ok: false, status: 404 };
  return { ok: true, segments };
}

/** A regular file or directory inside `root`, after symlinks are resolved; undefined otherwise. */
export async function statInside(
  root: string,
  segments: readonly string[],
): Promise<{ path: string; stats: Stats } | undefined> {
  const base = resolve(root);
  const path = join(base, ...segments);
  if (path !== base && !path.startsWith(base + sep)) return undefined;
  try {
    const [real, realBase] = await Promise.all([realpath(path), realpath(base)]);
    if (real !== realBase && !real.startsWith(realBase + sep)) return undefined;
    const stats = await stat(real);
    // The requested name, not the link target's, decides type and caching.
    return stats.isFile() || stats.isDirectory() ? { path, stats } : undefined;
  } catch {
    return undefined;
  }
}

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { create, extract } from "tar";
import { TreeCounter, type TreeStats } from "./tree-stats.js";

/** Owner and mode of the archived directory itself (tar does not apply them to the extraction root). */
export interface RootEntry {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

const isRoot = (path: string) => path === "." || path === "./";

/**
 * Packs `dir` as a tar stream (modes, owners, times, symlinks and hard links kept; links not
 * followed). Strict: a file that cannot be read fails the stream instead of being skipped.
 */
export function packDirectory(dir: string): { stream: Readable; stats: () => TreeStats } {
  const counter = new TreeCounter();
  const pack = create(
    {
      cwd: dir,
      strict: true,
      filter: (path, info) => {
        if (!isRoot(path) && "isFile" in info) counter.add(info);
        return true;
      },
    },
    ["."],
  );
  return { stream: Readable.from(pack, { objectMode: false }), stats: () => counter.total() };
}

/** Extracts a tar stream into the existing directory `dir`; resolves with the archived root's mode and owner. */
export async function extractInto(input: Readable, dir: string): Promise<RootEntry | undefined> {
  let root: RootEntry | undefined;
  const unpack = extract({
    cwd: dir,
    strict: true,
    preserveOwner: process.getuid?.() === 0,
    filter: (path, entry) => {
      if (isRoot(path) && "mode" in entry && entry.mode !== undefined) {
        root = { mode: entry.mode, uid: entry.uid ?? -1, gid: entry.gid ?? -1 };
      }
      return true;
    },
  });
  await pipeline(input, unpack);
  return root;
}

import type { StoreContext } from "./columns.js";

/** Small named values the agent keeps between runs, e.g. allocated service addresses. */
export interface MetaStore {
  getMeta(key: string): string | undefined;
  /** Inserts or replaces. */
  setMeta(key: string, value: string): void;
}

export function metaStore({ db }: StoreContext): MetaStore {
  const get = db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck();
  const set = db.prepare<[string, string]>(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  return {
    getMeta: (key) => get.get(key),
    setMeta: (key, value) => {
      set.run(key, value);
    },
  };
}

import type Database from "better-sqlite3";

/** What every record kind's store is built from: the open database and the clock that stamps times. */
export interface StoreContext {
  readonly db: Database.Database;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** JSON.stringify drops an Error's own fields; keep what a user needs to read it later. */
function errorsAsPlainObjects(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const { code, hint } = value as { code?: unknown; hint?: unknown };
  return { name: value.name, message: value.message, code, hint };
}

/** Encodes a JSON column; undefined becomes NULL. */
export function toJsonColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value, errorsAsPlainObjects);
}

/** Decodes a JSON column; NULL becomes undefined. */
export function fromJsonColumn(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text);
}

/** SQLite's constraint error codes, e.g. `SQLITE_CONSTRAINT_UNIQUE`, without importing the driver's class. */
export function isConstraintError(error: unknown, kind: "UNIQUE" | "FOREIGNKEY" | "PRIMARYKEY"): boolean {
  return (error as { code?: unknown } | null)?.code === `SQLITE_CONSTRAINT_${kind}`;
}

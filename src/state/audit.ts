import type { StoreContext } from "./columns.js";

export type AuditOutcome = "succeeded" | "failed" | "refused";

/** One operator action: who, when, on what, with which (redacted) arguments, and how it ended. */
export interface AuditEntry {
  readonly id: number;
  /** Milliseconds since the epoch. */
  readonly ts: number;
  /** The calling user, e.g. `root (uid 0)`. */
  readonly actor: string;
  readonly project?: string | undefined;
  /** e.g. `deploy`, `rollback`, `secret.set`, `backup.restore`. */
  readonly action: string;
  /** Arguments as given, secret values already removed by the caller. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly outcome: AuditOutcome;
  /** The error code and message of a failed or refused action. */
  readonly error?: string | undefined;
}

export interface AuditQuery {
  /** Only entries at or after this time (ms). */
  readonly since?: number | undefined;
  readonly project?: string | undefined;
  /** Default 1000, newest kept. */
  readonly limit?: number | undefined;
}

export interface AuditStore {
  addAudit(entry: Omit<AuditEntry, "id" | "ts">): number;
  /** Oldest first. */
  listAudit(query?: AuditQuery): readonly AuditEntry[];
}

interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  project: string | null;
  action: string;
  args: string;
  outcome: AuditOutcome;
  error: string | null;
}

/** The audit log: rows are only ever inserted (triggers refuse UPDATE and DELETE). */
export function auditStore({ db, now }: StoreContext): AuditStore {
  const insert = db.prepare(
    "INSERT INTO audit (ts, actor, project, action, args, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const select = db.prepare<[number, string | null, string | null, number], AuditRow>(
    `SELECT * FROM (SELECT * FROM audit WHERE ts >= ? AND (? IS NULL OR project = ?)
     ORDER BY id DESC LIMIT ?) ORDER BY id`,
  );
  return {
    addAudit: (entry) =>
      Number(
        insert.run(
          now(),
          entry.actor,
          entry.project ?? null,
          entry.action,
          JSON.stringify(entry.args),
          entry.outcome,
          entry.error ?? null,
        ).lastInsertRowid,
      ),
    listAudit: (query = {}) =>
      select
        .all(query.since ?? 0, query.project ?? null, query.project ?? null, query.limit ?? 1000)
        .map((row) => ({
          id: row.id,
          ts: row.ts,
          actor: row.actor,
          ...(row.project !== null ? { project: row.project } : {}),
          action: row.action,
          args: JSON.parse(row.args) as Record<string, unknown>,
          outcome: row.outcome,
          ...(row.error !== null ? { error: row.error } : {}),
        })),
  };
}

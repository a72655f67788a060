import { fromJsonColumn, type StoreContext, toJsonColumn } from "./columns.js";

export type EventLevel = "info" | "warning" | "error";

/** Something that happened to a project, kept for `slipway events` and alerts. */
export interface StateEvent {
  /** Increases with every event and is never reused: page with `afterId`. */
  readonly id: number;
  /** Milliseconds since the epoch. */
  readonly ts: number;
  readonly project: string;
  readonly service?: string | undefined;
  readonly releaseId?: string | undefined;
  /** Dotted name, e.g. `instance.crashloop`, `deploy.failed`. */
  readonly kind: string;
  readonly level: EventLevel;
  readonly message: string;
  /** Details as JSON. */
  readonly data?: unknown;
}

export interface NewEvent extends Omit<StateEvent, "id" | "ts"> {
  /** Default: now. */
  readonly ts?: number | undefined;
}

export interface EventQuery {
  /** Only events after this id. Default: from the first. */
  readonly afterId?: number | undefined;
  readonly service?: string | undefined;
  /** Default: no limit. */
  readonly limit?: number | undefined;
}

export interface EventStore {
  /** Returns the new event's id. */
  addEvent(event: NewEvent): number;
  /** Oldest first. */
  listEvents(project: string, query?: EventQuery): readonly StateEvent[];
}

interface EventRow {
  id: number;
  ts: number;
  project: string;
  service: string | null;
  release_id: string | null;
  kind: string;
  level: EventLevel;
  message: string;
  data: string | null;
}

function toEvent(row: EventRow): StateEvent {
  return {
    id: row.id,
    ts: row.ts,
    project: row.project,
    service: row.service ?? undefined,
    releaseId: row.release_id ?? undefined,
    kind: row.kind,
    level: row.level,
    message: row.message,
    data: fromJsonColumn(row.data),
  };
}

export function eventStore({ db, now }: StoreContext): EventStore {
  const insert = db.prepare<
    [number, string, string | null, string | null, string, EventLevel, string, string | null]
  >(
    `INSERT INTO events (ts, project, service, release_id, kind, level, message, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const list = db.prepare<
    { project: string; afterId: number; service: string | null; limit: number },
    EventRow
  >(
    `SELECT * FROM events WHERE project = @project AND id > @afterId
       AND (@service IS NULL OR service = @service)
     ORDER BY id LIMIT @limit`,
  );

  return {
    addEvent: (event) =>
      Number(
        insert.run(
          event.ts ?? now(),
          event.project,
          event.service ?? null,
          event.releaseId ?? null,
          event.kind,
          event.level,
          event.message,
          toJsonColumn(event.data),
        ).lastInsertRowid,
      ),
    listEvents: (project, query = {}) =>
      list
        .all({
          project,
          afterId: query.afterId ?? 0,
          service: query.service ?? null,
          // A negative LIMIT means no limit in SQLite.
          limit: query.limit ?? -1,
        })
        .map(toEvent),
  };
}

import { isConstraintError, type StoreContext } from "./columns.js";
import { releaseNotFound } from "./releases.js";
import { StateError } from "./state-error.js";

export type InstanceRunState =
  | "starting"
  | "running"
  | "healthy"
  | "unhealthy"
  | "draining"
  /** Blue-green's previous colour: running, out of rotation, until `standbyUntil`; a rollback switches back to it. */
  | "standby"
  | "stopped"
  | "exited"
  | "crashloop";

/** One process (or container) the agent started for a service of a release. */
export interface Instance {
  /** Stable name, e.g. `shop.api.r7.2`. */
  readonly id: string;
  readonly project: string;
  readonly service: string;
  readonly releaseId: string;
  /** Hash of the service's resolved spec: instances with another hash are out of date. */
  readonly serviceHash: string;
  /** 0-based replica index. */
  readonly index: number;
  readonly pid: number;
  /** Kernel start time of the process, which tells a reused PID apart. */
  readonly startTime: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly port: number | null;
  readonly state: InstanceRunState;
  readonly restarts: number;
  readonly lastExitCode: number | null;
  readonly lastError?: string | undefined;
  /** For `standby`: when it is stopped (ms since the epoch). */
  readonly standbyUntil?: number | undefined;
  /** Milliseconds since the epoch; stamped by the store on every write. */
  readonly updatedAt: number;
}

export type InstanceRecord = Omit<Instance, "updatedAt">;

/** Fields `setInstanceState` may change with the state: undefined keeps the stored value, null clears it. */
export interface InstanceChanges {
  readonly pid?: number | undefined;
  readonly startTime?: string | undefined;
  readonly startedAt?: number | undefined;
  readonly port?: number | null | undefined;
  readonly restarts?: number | undefined;
  readonly lastExitCode?: number | null | undefined;
  readonly lastError?: string | null | undefined;
  readonly standbyUntil?: number | null | undefined;
}

export interface InstanceFilter {
  readonly service?: string | undefined;
  readonly releaseId?: string | undefined;
}

export interface InstanceStore {
  /** Inserts the instance, or replaces the one with the same id. Throws `E_RELEASE_NOT_FOUND`. */
  upsertInstance(instance: InstanceRecord): Instance;
  getInstance(id: string): Instance | undefined;
  /** Ordered by service, then index. */
  listInstances(project: string, filter?: InstanceFilter): readonly Instance[];
  /** Returns whether an instance was removed. */
  removeInstance(id: string): boolean;
  /** Throws `E_INSTANCE_NOT_FOUND`. */
  setInstanceState(id: string, state: InstanceRunState, changes?: InstanceChanges): Instance;
}

interface InstanceRow {
  id: string;
  project: string;
  service: string;
  release_id: string;
  service_hash: string;
  idx: number;
  pid: number;
  start_time: string;
  started_at: number;
  port: number | null;
  state: InstanceRunState;
  restarts: number;
  last_exit_code: number | null;
  last_error: string | null;
  standby_until: number | null;
  updated_at: number;
}

function toInstance(row: InstanceRow): Instance {
  return {
    id: row.id,
    project: row.project,
    service: row.service,
    releaseId: row.release_id,
    serviceHash: row.service_hash,
    index: row.idx,
    pid: row.pid,
    startTime: row.start_time,
    startedAt: row.started_at,
    port: row.port,
    state: row.state,
    restarts: row.restarts,
    lastExitCode: row.last_exit_code,
    lastError: row.last_error ?? undefined,
    standbyUntil: row.standby_until ?? undefined,
    updatedAt: row.updated_at,
  };
}

/** Named parameters of the update: `set_x` is 1 when `x` replaces the stored value (SQLite binds no booleans). */
function changeParams(changes: InstanceChanges): Record<string, string | number | null> {
  const params: Record<string, string | number | null> = {};
  for (const key of [
    "pid",
    "startTime",
    "startedAt",
    "port",
    "restarts",
    "lastExitCode",
    "lastError",
    "standbyUntil",
  ] as const) {
    const value = changes[key];
    params[key] = value ?? null;
    params[`set_${key}`] = value === undefined ? 0 : 1;
  }
  return params;
}

export function instanceStore({ db, now }: StoreContext): InstanceStore {
  const upsert = db.prepare<Record<string, string | number | null>, InstanceRow>(
    `INSERT INTO instances (id, project, service, release_id, service_hash, idx, pid, start_time, started_at,
       port, state, restarts, last_exit_code, last_error, standby_until, updated_at)
     VALUES (@id, @project, @service, @releaseId, @serviceHash, @index, @pid, @startTime, @startedAt,
       @port, @state, @restarts, @lastExitCode, @lastError, @standbyUntil, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET project = excluded.project, service = excluded.service,
       release_id = excluded.release_id, service_hash = excluded.service_hash, idx = excluded.idx,
       pid = excluded.pid, start_time = excluded.start_time, started_at = excluded.started_at,
       port = excluded.port, state = excluded.state, restarts = excluded.restarts,
       last_exit_code = excluded.last_exit_code, last_error = excluded.last_error,
       standby_until = excluded.standby_until, updated_at = excluded.updated_at
     RETURNING *`,
  );
  const get = db.prepare<[string], InstanceRow>("SELECT * FROM instances WHERE id = ?");
  const list = db.prepare<{ project: string; service: string | null; releaseId: string | null }, InstanceRow>(
    `SELECT * FROM instances WHERE project = @project
       AND (@service IS NULL OR service = @service) AND (@releaseId IS NULL OR release_id = @releaseId)
     ORDER BY service, idx, id`,
  );
  const remove = db.prepare<[string]>("DELETE FROM instances WHERE id = ?");
  const setState = db.prepare<Record<string, string | number | null>, InstanceRow>(
    `UPDATE instances SET state = @state, updated_at = @updatedAt,
       pid = IIF(@set_pid, @pid, pid),
       start_time = IIF(@set_startTime, @startTime, start_time),
       started_at = IIF(@set_startedAt, @startedAt, started_at),
       port = IIF(@set_port, @port, port),
       restarts = IIF(@set_restarts, @restarts, restarts),
       last_exit_code = IIF(@set_lastExitCode, @lastExitCode, last_exit_code),
       last_error = IIF(@set_lastError, @lastError, last_error),
       standby_until = IIF(@set_standbyUntil, @standbyUntil, standby_until)
     WHERE id = @id RETURNING *`,
  );

  return {
    upsertInstance(instance) {
      try {
        const row = upsert.get({
          id: instance.id,
          project: instance.project,
          service: instance.service,
          releaseId: instance.releaseId,
          serviceHash: instance.serviceHash,
          index: instance.index,
          pid: instance.pid,
          startTime: instance.startTime,
          startedAt: instance.startedAt,
          port: instance.port,
          state: instance.state,
          restarts: instance.restarts,
          lastExitCode: instance.lastExitCode,
          lastError: instance.lastError ?? null,
          standbyUntil: instance.standbyUntil ?? null,
          updatedAt: now(),
        });
        return toInstance(row!);
      } catch (error) {
        if (isConstraintError(error, "FOREIGNKEY"))
          throw releaseNotFound(instance.project, instance.releaseId);
        throw error;
      }
    },
    getInstance: (id) => {
      const row = get.get(id);
      return row && toInstance(row);
    },
    listInstances: (project, filter = {}) =>
      list
        .all({ project, service: filter.service ?? null, releaseId: filter.releaseId ?? null })
        .map(toInstance),
    removeInstance: (id) => remove.run(id).changes > 0,
    setInstanceState(id, state, changes = {}) {
      const row = setState.get({ id, state, updatedAt: now(), ...changeParams(changes) });
      if (!row) throw new StateError({ code: "E_INSTANCE_NOT_FOUND", message: `there is no instance ${id}` });
      return toInstance(row);
    },
  };
}

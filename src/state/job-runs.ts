import { isConstraintError, type StoreContext } from "./columns.js";
import { releaseNotFound } from "./releases.js";
import { StateError } from "./state-error.js";

export type JobKind = "schedule" | "migrate" | "run";

/** One run of a job: a scheduled command, a release's migration, or `slipway run`. */
export interface JobRun {
  readonly id: number;
  readonly project: string;
  readonly service: string;
  readonly releaseId: string;
  readonly kind: JobKind;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Undefined while the run is running. */
  readonly finishedAt?: number | undefined;
  /** Undefined while running; null when the process ended by a signal. */
  readonly exitCode?: number | null | undefined;
  /** The last part of the run's output. */
  readonly outputTail?: string | undefined;
}

export interface NewJobRun {
  readonly project: string;
  readonly service: string;
  readonly releaseId: string;
  readonly kind: JobKind;
  /** Refuse with `E_JOB_RUNNING` while a run of the same project, service and kind is unfinished. Default false. */
  readonly exclusive?: boolean | undefined;
}

export interface JobRunResult {
  readonly exitCode: number | null;
  readonly outputTail?: string | undefined;
}

export interface JobRunQuery {
  readonly service?: string | undefined;
  /** Default 20. */
  readonly limit?: number | undefined;
}

export interface JobRunStore {
  /** Throws `E_RELEASE_NOT_FOUND`, or `E_JOB_RUNNING` for an exclusive run that is already running. */
  startJobRun(run: NewJobRun): JobRun;
  /** Throws `E_JOB_RUN_NOT_FOUND`, or `E_JOB_RUN_FINISHED` if it already finished. */
  finishJobRun(id: number, result: JobRunResult): JobRun;
  /** Newest first. */
  listJobRuns(project: string, query?: JobRunQuery): readonly JobRun[];
  /** The newest unfinished run of this kind, used to never run a schedule twice at once. */
  runningJobRun(project: string, service: string, kind: JobKind): JobRun | undefined;
}

interface JobRunRow {
  id: number;
  project: string;
  service: string;
  release_id: string;
  kind: JobKind;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  output_tail: string | null;
}

function toJobRun(row: JobRunRow): JobRun {
  const finished = row.finished_at !== null;
  return {
    id: row.id,
    project: row.project,
    service: row.service,
    releaseId: row.release_id,
    kind: row.kind,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    // NULL means "killed by a signal" once finished, and "not known yet" before.
    exitCode: finished ? row.exit_code : undefined,
    outputTail: row.output_tail ?? undefined,
  };
}

export function jobRunStore({ db, now }: StoreContext): JobRunStore {
  const insert = db.prepare<[string, string, string, JobKind, number], JobRunRow>(
    `INSERT INTO job_runs (project, service, release_id, kind, started_at) VALUES (?, ?, ?, ?, ?) RETURNING *`,
  );
  const finish = db.prepare<[number, number | null, string | null, number], JobRunRow>(
    `UPDATE job_runs SET finished_at = ?, exit_code = ?, output_tail = ?
     WHERE id = ? AND finished_at IS NULL RETURNING *`,
  );
  const get = db.prepare<[number], JobRunRow>("SELECT * FROM job_runs WHERE id = ?");
  const list = db.prepare<{ project: string; service: string | null; limit: number }, JobRunRow>(
    `SELECT * FROM job_runs WHERE project = @project AND (@service IS NULL OR service = @service)
     ORDER BY id DESC LIMIT @limit`,
  );
  const running = db.prepare<[string, string, JobKind], JobRunRow>(
    `SELECT * FROM job_runs WHERE project = ? AND service = ? AND kind = ? AND finished_at IS NULL
     ORDER BY id DESC LIMIT 1`,
  );

  const start = db.transaction((run: NewJobRun): JobRun => {
    const current = run.exclusive ? running.get(run.project, run.service, run.kind) : undefined;
    if (current) {
      throw new StateError({
        code: "E_JOB_RUNNING",
        message: `a ${run.kind} run of service "${run.service}" in project "${run.project}" is still running (run ${current.id}, started ${new Date(current.started_at).toISOString()})`,
        hint: "wait for it to finish before starting another",
      });
    }
    try {
      return toJobRun(insert.get(run.project, run.service, run.releaseId, run.kind, now())!);
    } catch (error) {
      if (isConstraintError(error, "FOREIGNKEY")) throw releaseNotFound(run.project, run.releaseId);
      throw error;
    }
  });

  return {
    // IMMEDIATE: the check for a running run and the insert happen under one write lock.
    startJobRun: (run) => start.immediate(run),
    finishJobRun(id, result) {
      const row = finish.get(now(), result.exitCode, result.outputTail ?? null, id);
      if (row) return toJobRun(row);
      throw new StateError(
        get.get(id)
          ? { code: "E_JOB_RUN_FINISHED", message: `job run ${id} has already finished` }
          : { code: "E_JOB_RUN_NOT_FOUND", message: `there is no job run ${id}` },
      );
    },
    listJobRuns: (project, query = {}) =>
      list.all({ project, service: query.service ?? null, limit: query.limit ?? 20 }).map(toJobRun),
    runningJobRun: (project, service, kind) => {
      const row = running.get(project, service, kind);
      return row && toJobRun(row);
    },
  };
}

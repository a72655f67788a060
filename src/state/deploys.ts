import { fromJsonColumn, isConstraintError, type StoreContext, toJsonColumn } from "./columns.js";
import { isProcessAlive } from "./process-alive.js";
import { releaseNotFound } from "./releases.js";
import { StateError } from "./state-error.js";

export type DeployKind = "deploy" | "rollback";
export type DeployStatus = "running" | "succeeded" | "failed" | "rolled-back" | "interrupted";

/** One attempt to roll a project forward to a release (or back to an earlier one). */
export interface Deploy {
  readonly id: number;
  readonly project: string;
  readonly releaseId: string;
  /** The release that was active when the deploy started; undefined for a project's first deploy. */
  readonly fromReleaseId?: string | undefined;
  readonly kind: DeployKind;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Set when the deploy leaves `running`. */
  readonly finishedAt?: number | undefined;
  /** `interrupted`: the owning process died while the deploy was running. */
  readonly status: DeployStatus;
  /** What went wrong, as JSON (an Error keeps name, message, code and hint). */
  readonly error?: unknown;
  /** PID of the process running the deploy; it holds the project's deploy lock while alive. */
  readonly ownerPid: number;
}

export interface NewDeploy {
  readonly project: string;
  readonly releaseId: string;
  readonly fromReleaseId?: string | undefined;
  readonly kind: DeployKind;
  /** Default: this process. */
  readonly ownerPid?: number | undefined;
}

/** The outcome of `startDeploy`. */
export interface StartedDeploy {
  readonly deploy: Deploy;
  /** A deploy whose owner had died while it ran, now marked `interrupted`: resume it or roll it back. */
  readonly interrupted: Deploy | undefined;
}

export interface DeployStore {
  /**
   * Records a running deploy; it is the project's deploy lock. Throws `E_DEPLOY_IN_PROGRESS` while another
   * deploy of the project runs in a live process; a running deploy of a dead process is marked
   * `interrupted` first and returned.
   */
  startDeploy(deploy: NewDeploy): StartedDeploy;
  /** Marks running deploys of the project whose owner died as `interrupted`, and returns them (agent start-up). */
  markInterruptedDeploys(project: string): readonly Deploy[];
  /** Ends a `running` or `interrupted` deploy. Throws `E_DEPLOY_NOT_FOUND`, or `E_DEPLOY_FINISHED` if it already ended. */
  finishDeploy(id: number, status: Exclude<DeployStatus, "running">, error?: unknown): Deploy;
  getDeploy(id: number): Deploy | undefined;
  /** The deploy marked `running`, whether or not its owner still lives. */
  runningDeploy(project: string): Deploy | undefined;
  /** Newest first; default limit 20. */
  listDeploys(project: string, limit?: number): readonly Deploy[];
}

interface DeployRow {
  id: number;
  project: string;
  release_id: string;
  from_release_id: string | null;
  kind: DeployKind;
  started_at: number;
  finished_at: number | null;
  status: DeployStatus;
  error: string | null;
  owner_pid: number;
}

function toDeploy(row: DeployRow): Deploy {
  return {
    id: row.id,
    project: row.project,
    releaseId: row.release_id,
    fromReleaseId: row.from_release_id ?? undefined,
    kind: row.kind,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    status: row.status,
    error: fromJsonColumn(row.error),
    ownerPid: row.owner_pid,
  };
}

function deployInProgress(running: Deploy): StateError {
  return new StateError({
    code: "E_DEPLOY_IN_PROGRESS",
    message: `a ${running.kind} of release ${running.releaseId} to project "${running.project}" is already running (deploy ${running.id}, started ${new Date(running.startedAt).toISOString()} by process ${running.ownerPid})`,
    hint: "wait for it to finish; if that process is stuck, stop it and deploy again",
  });
}

export function deployStore({ db, now }: StoreContext): DeployStore {
  const insert = db.prepare<[string, string, string | null, DeployKind, number, number], DeployRow>(
    `INSERT INTO deploys (project, release_id, from_release_id, kind, started_at, status, owner_pid)
     VALUES (?, ?, ?, ?, ?, 'running', ?) RETURNING *`,
  );
  const get = db.prepare<[number], DeployRow>("SELECT * FROM deploys WHERE id = ?");
  const running = db.prepare<[string], DeployRow>(
    "SELECT * FROM deploys WHERE project = ? AND status = 'running'",
  );
  const list = db.prepare<[string, number], DeployRow>(
    "SELECT * FROM deploys WHERE project = ? ORDER BY id DESC LIMIT ?",
  );
  const finish = db.prepare<[DeployStatus, number, string | null, number], DeployRow>(
    `UPDATE deploys SET status = ?, finished_at = ?, error = ?
     WHERE id = ? AND status IN ('running', 'interrupted') RETURNING *`,
  );
  const releaseExists = db.prepare<[string, string], { one: number }>(
    "SELECT 1 AS one FROM releases WHERE project = ? AND id = ?",
  );

  const markInterrupted = (project: string): Deploy[] => {
    const stale = running.all(project).filter((row) => !isProcessAlive(row.owner_pid));
    return stale.map((row) => toDeploy(finish.get("interrupted", now(), null, row.id)!));
  };

  const start = db.transaction((deploy: NewDeploy): StartedDeploy => {
    const [interrupted] = markInterrupted(deploy.project);
    const current = running.get(deploy.project);
    if (current) throw deployInProgress(toDeploy(current));
    for (const id of [deploy.releaseId, deploy.fromReleaseId]) {
      if (id !== undefined && !releaseExists.get(deploy.project, id))
        throw releaseNotFound(deploy.project, id);
    }
    const row = insert.get(
      deploy.project,
      deploy.releaseId,
      deploy.fromReleaseId ?? null,
      deploy.kind,
      now(),
      deploy.ownerPid ?? process.pid,
    );
    return { deploy: toDeploy(row!), interrupted };
  });
  const markInterruptedLocked = db.transaction(markInterrupted);

  return {
    startDeploy(deploy) {
      try {
        // IMMEDIATE takes the write lock before reading, so two processes cannot both see "none running".
        return start.immediate(deploy);
      } catch (error) {
        if (!isConstraintError(error, "UNIQUE")) throw error;
        // The partial unique index caught a race the check above could not see (should not happen).
        const current = running.get(deploy.project);
        throw current ? deployInProgress(toDeploy(current)) : error;
      }
    },
    markInterruptedDeploys: (project) => markInterruptedLocked.immediate(project),
    finishDeploy(id, status, error) {
      const row = finish.get(status, now(), toJsonColumn(error), id);
      if (row) return toDeploy(row);
      const existing = get.get(id);
      throw new StateError(
        existing
          ? {
              code: "E_DEPLOY_FINISHED",
              message: `deploy ${id} already ended as ${existing.status}`,
              hint: "a deploy is finished once; start a new one",
            }
          : { code: "E_DEPLOY_NOT_FOUND", message: `there is no deploy ${id}` },
      );
    },
    getDeploy: (id) => {
      const row = get.get(id);
      return row && toDeploy(row);
    },
    runningDeploy: (project) => {
      const row = running.get(project);
      return row && toDeploy(row);
    },
    listDeploys: (project, limit = 20) => list.all(project, limit).map(toDeploy),
  };
}

import { fromJsonColumn, isConstraintError, type StoreContext, toJsonColumn } from "./columns.js";
import { StateError } from "./state-error.js";

export type ReleaseStatus = "building" | "ready" | "active" | "failed" | "superseded";

/** One built release of a project: the resolved spec and the directory holding its generated files. */
export interface Release {
  readonly project: string;
  /** `r<number>`, e.g. `r7`. */
  readonly id: string;
  /** 1, 2, … per project. */
  readonly number: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly specHash: string;
  /** The resolved spec as JSON. */
  readonly spec: unknown;
  readonly artifactsDir: string;
  readonly status: ReleaseStatus;
  readonly note?: string | undefined;
}

/** A release to insert; the id follows from the number. */
export interface NewRelease extends Omit<Release, "id" | "number" | "status"> {
  /** Default: one past the project's highest number, allocated in the same statement as the insert. */
  readonly number?: number | undefined;
  /** Default `building`. Use `activateRelease` to make a release active. */
  readonly status?: Exclude<ReleaseStatus, "active"> | undefined;
}

/** The outcome of `activateRelease`. */
export interface Activation {
  readonly active: Release;
  /** The release that was active before, now `superseded`; undefined if none was (or it was this one). */
  readonly superseded: Release | undefined;
}

export interface ReleaseStore {
  /** The number the next inserted release of this project gets (1 for the first). */
  nextReleaseNumber(project: string): number;
  /** Inserts a release; throws `E_RELEASE_EXISTS` if its number is taken. */
  insertRelease(release: NewRelease): Release;
  getRelease(project: string, id: string): Release | undefined;
  /** Newest first. */
  listReleases(project: string): readonly Release[];
  /** Sets the status; `active` goes through `activateRelease`. Throws `E_RELEASE_NOT_FOUND`. */
  setReleaseStatus(project: string, id: string, status: ReleaseStatus): Release;
  activeRelease(project: string): Release | undefined;
  /** Makes a release active and supersedes the previously active one, atomically. Refuses a `building` release. */
  activateRelease(project: string, id: string): Activation;
}

interface ReleaseRow {
  project: string;
  id: string;
  number: number;
  created_at: number;
  spec_hash: string;
  spec: string;
  artifacts_dir: string;
  status: ReleaseStatus;
  note: string | null;
}

function toRelease(row: ReleaseRow): Release {
  return {
    project: row.project,
    id: row.id,
    number: row.number,
    createdAt: row.created_at,
    specHash: row.spec_hash,
    spec: fromJsonColumn(row.spec),
    artifactsDir: row.artifacts_dir,
    status: row.status,
    note: row.note ?? undefined,
  };
}

/** Shared with the stores whose records point at a release. */
export function releaseNotFound(project: string, id: string): StateError {
  return new StateError({
    code: "E_RELEASE_NOT_FOUND",
    message: `project "${project}" has no release ${id}`,
  });
}

export function releaseStore({ db }: StoreContext): ReleaseStore {
  const nextNumber = db.prepare<[string], { next: number }>(
    "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM releases WHERE project = ?",
  );
  const insert = db.prepare<
    {
      project: string;
      number: number | null;
      createdAt: number;
      specHash: string;
      spec: string | null;
      artifactsDir: string;
      status: ReleaseStatus;
      note: string | null;
    },
    ReleaseRow
  >(
    `INSERT INTO releases (project, id, number, created_at, spec_hash, spec, artifacts_dir, status, note)
     SELECT @project, 'r' || CAST(n AS INTEGER), n, @createdAt, @specHash, @spec, @artifactsDir, @status, @note
     FROM (SELECT COALESCE(@number, MAX(number) + 1, 1) AS n FROM releases WHERE project = @project)
     -- JS numbers bind as REAL: cast, or the id would read r5.0.
     RETURNING *`,
  );
  const get = db.prepare<[string, string], ReleaseRow>("SELECT * FROM releases WHERE project = ? AND id = ?");
  const list = db.prepare<[string], ReleaseRow>(
    "SELECT * FROM releases WHERE project = ? ORDER BY number DESC",
  );
  const active = db.prepare<[string], ReleaseRow>(
    "SELECT * FROM releases WHERE project = ? AND status = 'active'",
  );
  const setStatus = db.prepare<[ReleaseStatus, string, string], ReleaseRow>(
    "UPDATE releases SET status = ? WHERE project = ? AND id = ? RETURNING *",
  );
  const supersede = db.prepare<[string, string], ReleaseRow>(
    "UPDATE releases SET status = 'superseded' WHERE project = ? AND status = 'active' AND id <> ? RETURNING *",
  );

  const activate = db.transaction((project: string, id: string): Activation => {
    const target = get.get(project, id);
    if (!target) throw releaseNotFound(project, id);
    if (target.status === "building") {
      throw new StateError({
        code: "E_RELEASE_NOT_READY",
        message: `release ${id} of project "${project}" is still building and cannot be activated`,
        hint: "wait for the build to finish, or deploy another release",
      });
    }
    // Supersede first: the partial unique index allows one active release per project at any moment.
    const superseded = supersede.get(project, id);
    const activated = setStatus.get("active", project, id)!;
    return { active: toRelease(activated), superseded: superseded && toRelease(superseded) };
  });

  return {
    nextReleaseNumber: (project) => nextNumber.get(project)!.next,
    insertRelease(release) {
      try {
        const row = insert.get({
          project: release.project,
          number: release.number ?? null,
          createdAt: release.createdAt,
          specHash: release.specHash,
          spec: toJsonColumn(release.spec) ?? "null",
          artifactsDir: release.artifactsDir,
          status: release.status ?? "building",
          note: release.note ?? null,
        });
        return toRelease(row!);
      } catch (error) {
        if (!isConstraintError(error, "UNIQUE") && !isConstraintError(error, "PRIMARYKEY")) throw error;
        throw new StateError(
          {
            code: "E_RELEASE_EXISTS",
            message: `project "${release.project}" already has a release number ${release.number}`,
            hint: "leave out the number to get the next free one",
          },
          { cause: error },
        );
      }
    },
    getRelease: (project, id) => {
      const row = get.get(project, id);
      return row && toRelease(row);
    },
    listReleases: (project) => list.all(project).map(toRelease),
    setReleaseStatus(project, id, status) {
      if (status === "active") return activate(project, id).active;
      const row = setStatus.get(status, project, id);
      if (!row) throw releaseNotFound(project, id);
      return toRelease(row);
    },
    activeRelease: (project) => {
      const row = active.get(project);
      return row && toRelease(row);
    },
    activateRelease: (project, id) => activate(project, id),
  };
}

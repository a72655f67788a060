import type Database from "better-sqlite3";
import { StateError } from "./state-error.js";

/**
 * Schema steps in order: step i takes `PRAGMA user_version` from i to i + 1. Append only — never edit a
 * step that has shipped, because state files out there already ran it.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE releases (
    project       TEXT NOT NULL,
    id            TEXT NOT NULL,
    number        INTEGER NOT NULL CHECK (number > 0),
    created_at    INTEGER NOT NULL,
    spec_hash     TEXT NOT NULL,
    spec          TEXT NOT NULL,
    artifacts_dir TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('building', 'ready', 'active', 'failed', 'superseded')),
    note          TEXT,
    PRIMARY KEY (project, id),
    UNIQUE (project, number)
  ) STRICT;
  CREATE UNIQUE INDEX releases_one_active ON releases (project) WHERE status = 'active';

  CREATE TABLE deploys (
    id              INTEGER PRIMARY KEY,
    project         TEXT NOT NULL,
    release_id      TEXT NOT NULL,
    from_release_id TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('deploy', 'rollback')),
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    status          TEXT NOT NULL
                    CHECK (status IN ('running', 'succeeded', 'failed', 'rolled-back', 'interrupted')),
    error           TEXT,
    owner_pid       INTEGER NOT NULL,
    FOREIGN KEY (project, release_id) REFERENCES releases (project, id),
    FOREIGN KEY (project, from_release_id) REFERENCES releases (project, id)
  ) STRICT;
  CREATE INDEX deploys_by_project ON deploys (project, id);
  CREATE UNIQUE INDEX deploys_one_running ON deploys (project) WHERE status = 'running';

  CREATE TABLE instances (
    id             TEXT PRIMARY KEY,
    project        TEXT NOT NULL,
    service        TEXT NOT NULL,
    release_id     TEXT NOT NULL,
    service_hash   TEXT NOT NULL,
    idx            INTEGER NOT NULL,
    pid            INTEGER NOT NULL,
    start_time     TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    port           INTEGER,
    state          TEXT NOT NULL CHECK (state IN
                   ('starting', 'running', 'healthy', 'unhealthy', 'draining', 'stopped', 'exited', 'crashloop')),
    restarts       INTEGER NOT NULL,
    last_exit_code INTEGER,
    last_error     TEXT,
    updated_at     INTEGER NOT NULL,
    FOREIGN KEY (project, release_id) REFERENCES releases (project, id)
  ) STRICT;
  CREATE INDEX instances_by_service ON instances (project, service, release_id);

  -- AUTOINCREMENT: ids are never reused after old events are pruned, so afterId paging stays correct.
  CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         INTEGER NOT NULL,
    project    TEXT NOT NULL,
    service    TEXT,
    release_id TEXT,
    kind       TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    message    TEXT NOT NULL,
    data       TEXT
  ) STRICT;
  CREATE INDEX events_by_project ON events (project, id);

  CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    project     TEXT NOT NULL,
    service     TEXT NOT NULL,
    release_id  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('schedule', 'migrate', 'run')),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    exit_code   INTEGER,
    output_tail TEXT,
    FOREIGN KEY (project, release_id) REFERENCES releases (project, id)
  ) STRICT;
  CREATE INDEX job_runs_by_service ON job_runs (project, service, kind, id);

  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  // 1 → 2: blue-green keeps the old colour warm: state 'standby' until standby_until (ms since the epoch).
  `
  CREATE TABLE instances_v2 (
    id             TEXT PRIMARY KEY,
    project        TEXT NOT NULL,
    service        TEXT NOT NULL,
    release_id     TEXT NOT NULL,
    service_hash   TEXT NOT NULL,
    idx            INTEGER NOT NULL,
    pid            INTEGER NOT NULL,
    start_time     TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    port           INTEGER,
    state          TEXT NOT NULL CHECK (state IN
                   ('starting', 'running', 'healthy', 'unhealthy', 'draining', 'standby', 'stopped', 'exited', 'crashloop')),
    restarts       INTEGER NOT NULL,
    last_exit_code INTEGER,
    last_error     TEXT,
    standby_until  INTEGER,
    updated_at     INTEGER NOT NULL,
    FOREIGN KEY (project, release_id) REFERENCES releases (project, id)
  ) STRICT;
  INSERT INTO instances_v2 (id, project, service, release_id, service_hash, idx, pid, start_time, started_at,
    port, state, restarts, last_exit_code, last_error, updated_at)
  SELECT id, project, service, release_id, service_hash, idx, pid, start_time, started_at,
    port, state, restarts, last_exit_code, last_error, updated_at FROM instances;
  DROP TABLE instances;
  ALTER TABLE instances_v2 RENAME TO instances;
  CREATE INDEX instances_by_service ON instances (project, service, release_id);
  `,
  // 2 → 3: the audit log of operator actions; append-only, enforced by the database itself.
  `
  CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    ts      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    project TEXT,
    action  TEXT NOT NULL,
    args    TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'refused')),
    error   TEXT
  ) STRICT;
  CREATE INDEX audit_by_time ON audit (ts, id);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
];

function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function refuseNewer(file: string, version: number): never {
  throw new StateError({
    code: "E_STATE_VERSION",
    message: `state file ${file} has schema version ${version}, but this slipway knows only up to ${MIGRATIONS.length}: a newer slipway wrote it`,
    hint: "upgrade slipway on this machine, or point it at another state directory",
  });
}

/**
 * Brings the schema to the newest version, one step per transaction. Each step re-reads the version
 * under the write lock, so an agent and a CLI opening a fresh file at once never apply a step twice.
 */
export function migrate(db: Database.Database, file: string): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) refuseNewer(file, current);
  if (current === MIGRATIONS.length) return;
  const applyNextStep = db.transaction((): boolean => {
    const version = schemaVersion(db);
    if (version > MIGRATIONS.length) refuseNewer(file, version);
    const step = MIGRATIONS[version];
    if (step === undefined) return false;
    db.exec(step);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (applyNextStep.immediate()) {}
}

import { renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { SlipwayError } from "../errors.js";
import { type AuditStore, auditStore } from "./audit.js";
import type { StoreContext } from "./columns.js";
import { type DeployStore, deployStore } from "./deploys.js";
import { type EventStore, eventStore } from "./events.js";
import { type InstanceStore, instanceStore } from "./instances.js";
import { checkStateFile, corruptStateError } from "./integrity.js";
import { type JobRunStore, jobRunStore } from "./job-runs.js";
import { type MetaStore, metaStore } from "./meta.js";
import { migrate } from "./migrations.js";
import { createPrivateFile, ensurePrivateDir, makePrivate } from "./private-files.js";
import { type ReleaseStore, releaseStore } from "./releases.js";
import { StateError } from "./state-error.js";

/** The agent's durable state: one SQLite file that the agent and CLI processes share. */
export interface StateStore
  extends ReleaseStore,
    DeployStore,
    InstanceStore,
    EventStore,
    JobRunStore,
    MetaStore,
    AuditStore {
  readonly file: string;
  /**
   * Runs `fn` in one transaction: everything it writes lands together or not at all (a throw rolls back).
   * Nests as a savepoint. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  /** A consistent copy of the whole state at `file` (`VACUUM INTO`, then an atomic rename), mode 0600. */
  backupTo(file: string): void;
  close(): void;
}

export interface StateOptions {
  /** Clock for the times the store stamps (deploy and job starts, event times, instance updates). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** The agent's last state backup, named in the hint when the file is empty or damaged. */
  readonly backupFile?: string | undefined;
}

function openDatabase(file: string, backupFile: string | undefined): Database.Database {
  ensurePrivateDir(dirname(file));
  checkStateFile(file, backupFile);
  // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
  createPrivateFile(file);
  makePrivate(file);
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    makePrivate(`${file}-wal`);
    makePrivate(`${file}-shm`);
    // NORMAL in WAL mode: a power cut may lose the last commits, never corrupts the file.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // The agent and a CLI process write the same file; wait for the other's lock instead of failing.
    db.pragma("busy_timeout = 5000");
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens (creating it and its directory if needed) the state file and brings its schema up to date. */
export function openState(file: string, options: StateOptions = {}): StateStore {
  let db: Database.Database;
  try {
    db = openDatabase(file, options.backupFile);
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    const corrupt = corruptStateError(file, error, options.backupFile);
    if (corrupt) throw corrupt;
    throw new StateError(
      {
        code: "E_STATE_OPEN",
        message: `cannot open state file ${file}: ${(error as Error).message}`,
        hint: "check that the path is writable and the file is a slipway state database",
      },
      { cause: error },
    );
  }
  const context: StoreContext = { db, now: options.now ?? Date.now };
  return {
    file,
    ...releaseStore(context),
    ...deployStore(context),
    ...instanceStore(context),
    ...eventStore(context),
    ...jobRunStore(context),
    ...metaStore(context),
    ...auditStore(context),
    transaction: (fn) => db.transaction(fn)(),
    backupTo: (target) => {
      const temporary = `${target}.tmp`;
      rmSync(temporary, { force: true });
      // An empty file is allowed as VACUUM's target, and SQLite keeps its 0600 mode.
      createPrivateFile(temporary);
      db.prepare("VACUUM INTO ?").run(temporary);
      makePrivate(temporary);
      renameSync(temporary, target);
    },
    close: () => {
      db.close();
    },
  };
}

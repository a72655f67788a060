import type { ErrorCatalogue } from "../errors.js";

/** Codes of the state store (SQLite under SLIPWAY_HOME). */
export const STATE_ERRORS = {
  E_STATE_OPEN: "the state database cannot be opened",
  E_STATE_VERSION: "the state database was written by a newer slipway",
  E_STATE_CORRUPT:
    "the state database is damaged; the agent refuses to start rather than orphan what runs (its backup is named)",
  E_STATE_EMPTY:
    "the state database is empty while instances or releases exist: never taken as a fresh install",
  E_STATE_MISSING: "the state database is gone while the home holds releases or running instances",
  E_PATH_ESCAPE: "a name (a volume, a project) that would point outside its directory under SLIPWAY_HOME",
  E_RELEASE_EXISTS: "a release with that number exists already",
  E_RELEASE_NOT_FOUND: "no release with that id",
  E_RELEASE_NOT_READY: "a release that was never built cannot become active",
  E_DEPLOY_NOT_FOUND: "no deploy with that id",
  E_DEPLOY_FINISHED: "the deploy has finished already",
  E_DEPLOY_IN_PROGRESS: "a deploy of the project is running; one at a time",
  E_INSTANCE_NOT_FOUND: "no instance with that id",
  E_JOB_RUNNING: "a run of that job is still running",
  E_JOB_RUN_NOT_FOUND: "no job run with that id",
  E_JOB_RUN_FINISHED: "the job run has finished already",
} as const satisfies ErrorCatalogue;

export type { Deploy, DeployKind, DeployStatus, DeployStore, NewDeploy, StartedDeploy } from "./deploys.js";
export type { EventLevel, EventQuery, EventStore, NewEvent, StateEvent } from "./events.js";
export type {
  Instance,
  InstanceChanges,
  InstanceFilter,
  InstanceRecord,
  InstanceRunState,
  InstanceStore,
} from "./instances.js";
export type { JobKind, JobRun, JobRunQuery, JobRunResult, JobRunStore, NewJobRun } from "./job-runs.js";
export type { MetaStore } from "./meta.js";
export { MIGRATIONS } from "./migrations.js";
export type { Activation, NewRelease, Release, ReleaseStatus, ReleaseStore } from "./releases.js";
export { releaseIdFor } from "./releases.js";
export { StateError } from "./state-error.js";
export { openState, type StateOptions, type StateStore } from "./store.js";

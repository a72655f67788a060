export type { Deploy } from "./deploys.js";
export type { Instance } from "./instances.js";
export type { JobKind } from "./job-runs.js";
export type { Release, ReleaseStatus } from "./releases.js";
export { openState, type StateStore } from "./store.js";

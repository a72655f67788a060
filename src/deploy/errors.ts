import type { ErrorCatalogue } from "../errors.js";

/** Codes of a deploy that failed; the previous release keeps serving unless the code says otherwise. */
export const DEPLOY_ERRORS = {
  E_DEPLOY_UNHEALTHY:
    "a new instance exited or failed its healthcheck before it became ready (the probe's output is in the message)",
  E_DEPLOY_MIGRATION_FAILED: "the migration of the new release failed; nothing new was started",
  E_DEPLOY_JOB_FAILED: "a one-shot service others wait for failed; they were not started",
  E_DEPLOY_BACKUP_FAILED: "the backup before the first migration failed; no migration ran",
  E_DEPLOY_PAUSED:
    "a rolling update with `failure_action: pause` stopped; both versions serve until the next deploy or rollback",
  E_DEPLOY_ENGINE_ROLLED_BACK:
    "the cluster engine (Swarm) rolled the update back itself; the message has the failing task's error and last output",
  E_DEPLOY_ENGINE_FAILED:
    "the cluster engine's tasks of a service kept failing, or its rollout did not settle in time",
  E_DEPLOY_FAILED: "a deploy step failed for a reason without its own code (the message says which)",
  E_CANARY_FAILED:
    "the canary's error rate or latency crossed its threshold; all traffic went back to stable",
  E_CANARY_INCONCLUSIVE: "too few requests to judge the canary and `on_inconclusive: abort`",
  E_CANARY_ABORTED: "the canary was aborted by hand (`slipway abort`)",
  E_SERVICE_NOT_FOUND: "the project has no service of that name",
} as const satisfies ErrorCatalogue;

export type DeployErrorCode = keyof typeof DEPLOY_ERRORS;

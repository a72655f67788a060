/** The built-in alert rules: they run with no configuration beyond a channel. Kept apart from the zod schema, so an idle agent can name them without loading zod. */
export const ALERT_RULES = [
  "instance_down",
  "crash_loop",
  "deploy_failed",
  "backup_failed",
  "backup_stale",
  "verification_failed",
  "certificate_expiring",
  "disk_full",
  "error_rate",
  "latency_p95",
] as const;
export type AlertRuleName = (typeof ALERT_RULES)[number];

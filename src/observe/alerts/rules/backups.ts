import { Cron } from "croner";
import type { AlertFacts, ProjectFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

/** The gap between a cron schedule's next two times: how often it runs. */
export function schedulePeriodMs(cron: string, now: number): number {
  const [a, b] = new Cron(cron).nextRuns(2, new Date(now));
  return a && b ? b.getTime() - a.getTime() : 24 * 3_600_000;
}

/** Services of the active spec that are backed up, with their backup schedule. */
function backedUp(facts: ProjectFacts): [string, string][] {
  return Object.entries(facts.spec?.services ?? {}).flatMap(([service, spec]) => {
    const backups = spec["x-slipway"].backups;
    return backups ? [[service, backups.schedule] as [string, string]] : [];
  });
}

/**
 * `backup_failed`: a service's newest backup attempt failed. `verification_failed`: its newest
 * verification did not restore. `backup_stale`: no successful backup within its schedule + grace.
 */
export function backupRules(facts: AlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const p of facts.projects) {
    const { project } = p;
    for (const [service, schedule] of backedUp(p)) {
      const created = p.newest(service, "backup.created");
      const failed = p.newest(service, "backup.failed");
      if (failed && (!created || failed.ts > created.ts))
        out.push({
          rule: "backup_failed",
          key: `backup_failed:${project}/${service}`,
          project,
          service,
          severity: "critical",
          summary: `${project}/${service}: ${failed.message}`,
        });
      const verified = p.newest(service, "backup.verified");
      const unverified = p.newest(service, "backup.verify-failed");
      if (unverified && (!verified || unverified.ts > verified.ts))
        out.push({
          rule: "verification_failed",
          key: `verification_failed:${project}/${service}`,
          project,
          service,
          severity: "critical",
          summary: `${project}/${service}: ${unverified.message}`,
        });
      const since = created?.ts ?? p.activeSince;
      const allowed = schedulePeriodMs(schedule, facts.now) + p.settings.backupGraceMs;
      if (since !== undefined && facts.now - since > allowed)
        out.push({
          rule: "backup_stale",
          key: `backup_stale:${project}/${service}`,
          project,
          service,
          severity: "warning",
          summary: `${project}/${service}: ${created ? `newest backup is from ${new Date(created.ts).toISOString()}` : "no backup yet"}; schedule "${schedule}" + grace allows ${Math.round(allowed / 60_000)} min`,
        });
    }
  }
  return out;
}

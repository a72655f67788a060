import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

const DAY_MS = 86_400_000;

/**
 * `certificate_expiring`: a certificate the router serves expires within `certificate_days`.
 * `disk_full`: the filesystem of the state directory or of a project's volumes is over `disk_percent`.
 */
export function machineRules(facts: AlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const c of facts.certificates) {
    const left = c.notAfter.getTime() - facts.now;
    if (left >= facts.machine.certificateDays * DAY_MS) continue;
    const domains = c.domains.join(",");
    out.push({
      rule: "certificate_expiring",
      key: `certificate_expiring:${domains}`,
      project: "",
      severity: left < 3 * DAY_MS ? "critical" : "warning",
      summary: `certificate for ${domains} (${c.source}) ${left <= 0 ? "expired" : `expires in ${(left / DAY_MS).toFixed(1)} days`} (${c.notAfter.toISOString()})`,
    });
  }
  for (const disk of facts.disks) {
    const limit =
      facts.projects.find((p) => p.project === disk.project)?.settings.diskPercent ??
      facts.machine.diskPercent;
    if (disk.usedPercent <= limit) continue;
    out.push({
      rule: "disk_full",
      key: `disk_full:${disk.path}`,
      project: disk.project,
      severity: disk.usedPercent > 97 ? "critical" : "warning",
      summary: `${disk.path} is ${disk.usedPercent.toFixed(1)}% full (alert above ${limit}%)`,
    });
  }
  return out;
}

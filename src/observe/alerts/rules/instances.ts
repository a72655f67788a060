import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

/** An exit the restart policy answers within this (backoff 1, 2, 4, 8 s) is not "down". */
export const DOWN_AFTER_MS = 10_000;
/** A crash loop stays firing this long after its last crash-loop exit (it restarts between crashes). */
export const CRASH_LOOP_HOLD_MS = 5 * 60_000;

/**
 * `instance_down`: a service of the active release has an instance that exited over 10 s ago and
 * is not running again; `crash_loop`: one that crashes over and over (the supervisor backs off
 * between restarts), until 5 minutes pass without such a crash. Scheduled jobs are not instances
 * that should be up.
 */
export function instanceRules(facts: AlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const { project, spec, instances, newest } of facts.projects) {
    if (!spec) continue;
    for (const [service, serviceSpec] of Object.entries(spec.services)) {
      if (serviceSpec["x-slipway"].schedule) continue;
      const own = instances.filter((i) => i.service === service);
      const lastLoop = newest(service, "instance.crashloop");
      const recentLoop = lastLoop !== undefined && facts.now - lastLoop.ts < CRASH_LOOP_HOLD_MS;
      const looping = own.filter((i) => i.state === "crashloop" || (recentLoop && i.restarts > 0));
      const down = own.filter((i) => i.state === "exited" && facts.now - i.updatedAt >= DOWN_AFTER_MS);
      if (looping.length > 0)
        out.push({
          rule: "crash_loop",
          key: `crash_loop:${project}/${service}`,
          project,
          service,
          severity: "critical",
          summary: `${project}/${service}: ${looping.map((i) => `${i.id} (${i.restarts} restarts)`).join(", ")} in a crash loop${lastError(looping)}`,
        });
      if (down.length > 0)
        out.push({
          rule: "instance_down",
          key: `instance_down:${project}/${service}`,
          project,
          service,
          severity: "critical",
          summary: `${project}/${service}: ${down.length} of ${own.length} instances down (${down.map((i) => `${i.id} exited with ${i.lastExitCode ?? "a signal"}`).join(", ")})`,
        });
    }
  }
  return out;
}

function lastError(instances: readonly { readonly lastExitCode: number | null }[]): string {
  const code = instances[0]?.lastExitCode;
  return code === undefined || code === null ? "" : `; last exit code ${code}`;
}

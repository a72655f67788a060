import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

/**
 * `instance_down`: a service of the active release has an instance that exited and is not running
 * again; `crash_loop`: one that crashes over and over (the supervisor backs off between restarts).
 * Scheduled jobs are not instances that should be up.
 */
export function instanceRules(facts: AlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const { project, spec, instances } of facts.projects) {
    if (!spec) continue;
    for (const [service, serviceSpec] of Object.entries(spec.services)) {
      if (serviceSpec["x-slipway"].schedule) continue;
      const own = instances.filter((i) => i.service === service);
      const looping = own.filter((i) => i.state === "crashloop");
      const down = own.filter((i) => i.state === "exited");
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

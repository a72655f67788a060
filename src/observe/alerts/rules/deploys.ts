import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";

/** `deploy_failed`: the newest finished deploy of a project failed, was rolled back or was interrupted. */
export function deployRules(facts: AlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const { project, lastDeploy } of facts.projects) {
    if (!lastDeploy || lastDeploy.status === "succeeded") continue;
    const error = lastDeploy.error as { code?: string; message?: string } | undefined;
    const why = error?.message ? `: ${[error.code, error.message].filter(Boolean).join(" ")}` : "";
    out.push({
      rule: "deploy_failed",
      key: `deploy_failed:${project}`,
      project,
      severity: "critical",
      summary: `${project}: ${lastDeploy.kind} of ${lastDeploy.releaseId} ${lastDeploy.status}${why}`,
    });
  }
  return out;
}

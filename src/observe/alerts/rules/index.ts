import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";
import { backupRules } from "./backups.js";
import { deployRules } from "./deploys.js";
import { instanceRules } from "./instances.js";
import { machineRules } from "./machine.js";

/** Every built-in rule over the facts, less the rules a project turned off (`x-slipway.alerts.disabled`). */
export function evaluateRules(facts: AlertFacts): AlertCondition[] {
  const disabled = new Map(
    facts.projects.map((p) => [p.project, new Set<string>(p.spec?.["x-slipway"].alerts.disabled ?? [])]),
  );
  const machineOff = new Set<string>(
    facts.projects.find((p) => p.spec)?.spec?.["x-slipway"].alerts.disabled ?? [],
  );
  return [
    ...instanceRules(facts),
    ...deployRules(facts),
    ...backupRules(facts),
    ...machineRules(facts),
  ].filter((c) => !(c.project === "" ? machineOff : (disabled.get(c.project) ?? new Set())).has(c.rule));
}

import type { AppSpec } from "../../../manifest/model.js";
import { alertsOf } from "../config.js";
import type { AlertFacts } from "../facts.js";
import type { AlertCondition } from "../model.js";
import { backupRules } from "./backups.js";
import { deployRules } from "./deploys.js";
import { ErrorRateRule } from "./error-rate.js";
import { instanceRules } from "./instances.js";
import { LatencyRule } from "./latency.js";
import { machineRules } from "./machine.js";

/** The rules that remember earlier counters between evaluations (windows over the router's figures). */
export interface WindowedRules {
  readonly errorRate: ErrorRateRule;
  readonly latency: LatencyRule;
}

export const windowedRules = (): WindowedRules => ({
  errorRate: new ErrorRateRule(),
  latency: new LatencyRule(),
});

/** Every built-in rule over the facts, less the rules a project turned off (`x-slipway.alerts.disabled`). */
export function evaluateRules(facts: AlertFacts, windowed = windowedRules()): AlertCondition[] {
  const off = (spec: AppSpec | undefined) => new Set<string>(spec ? alertsOf(spec).disabled : []);
  const disabled = new Map(facts.projects.map((p) => [p.project, off(p.spec)]));
  // What belongs to the machine follows the first project (by name) that is deployed.
  const machineOff = off(facts.projects.find((p) => p.spec)?.spec);
  return [
    ...instanceRules(facts),
    ...deployRules(facts),
    ...backupRules(facts),
    ...machineRules(facts),
    ...windowed.errorRate.evaluate(facts),
    ...windowed.latency.evaluate(facts),
  ].filter((c) => !(c.project === "" ? machineOff : (disabled.get(c.project) ?? new Set())).has(c.rule));
}

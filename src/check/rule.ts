import type { LoadResult } from "../manifest/load.js";
import type { AppSpec } from "../manifest/model.js";

/** What rules may ask about how the spec was written. */
export type ManifestSource = Pick<LoadResult, "locate" | "isLiteral">;

/** How bad a finding is; `error` findings make `slipway check` exit 1. */
export type Severity = "error" | "warning" | "info";

/** What a rule reports about one place in the spec. */
export interface RuleHit {
  readonly message: string;
  /** Key path in the spec, as an array (`["services", "db", "ports", 0]`), used to locate the finding. */
  readonly path: readonly (string | number)[];
  /** Overrides the rule's default hint when the fix depends on the hit. */
  readonly hint?: string;
}

/** One lint rule: a stable code, a default severity, a fix hint, and a pure check over the spec. */
export interface LintRule {
  readonly code: string;
  readonly severity: Severity;
  /** One line: what the rule looks for. */
  readonly title: string;
  readonly hint: string;
  check(spec: AppSpec, source: ManifestSource): Iterable<RuleHit>;
}

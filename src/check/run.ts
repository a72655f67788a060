import { formatPath, type SourceLocation } from "../errors.js";
import type { AppSpec } from "../manifest/model.js";
import type { LintRule, ManifestSource, Severity } from "./rule.js";
import { allRules } from "./rules/index.js";

/** One problem `slipway check` reports: a rule's hit with its code, severity, hint and source position. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  /** Key path in the spec, such as `services.db.ports[0]`. */
  readonly path: string;
  /** The service the finding is about, when the path is inside one. */
  readonly service?: string;
  readonly location?: SourceLocation;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Runs the rules over a loaded spec; findings come sorted by severity, then file and line, then code. */
export function runChecks(
  spec: AppSpec,
  source: ManifestSource,
  rules: readonly LintRule[] = allRules,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const hit of rule.check(spec, source)) {
      const [first, service] = hit.path;
      const location = source.locate(hit.path);
      findings.push({
        code: rule.code,
        severity: rule.severity,
        message: hit.message,
        hint: hit.hint ?? rule.hint,
        path: formatPath(hit.path),
        ...(first === "services" && typeof service === "string" ? { service } : {}),
        ...(location ? { location } : {}),
      });
    }
  }
  const fileRank = (finding: Finding) => {
    const index = finding.location ? spec.files.indexOf(finding.location.file) : -1;
    return index === -1 ? spec.files.length : index;
  };
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      fileRank(a) - fileRank(b) ||
      (a.location?.file ?? "").localeCompare(b.location?.file ?? "") ||
      (a.location?.line ?? Number.MAX_SAFE_INTEGER) - (b.location?.line ?? Number.MAX_SAFE_INTEGER) ||
      a.code.localeCompare(b.code) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      a.path.localeCompare(b.path),
  );
}

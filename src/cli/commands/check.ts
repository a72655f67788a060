import type { Command } from "commander";
import { addManifestOptions, loadProject, type ManifestFlags } from "../manifest-options.js";
import { formatProblem, type Output } from "../report.js";

export function registerCheck(program: Command, output: Output, setExitCode: (code: number) => void): void {
  addManifestOptions(
    program
      .command("check")
      .description("lint the application for risky settings; exit 1 when an error-level finding exists"),
  ).action(async (flags: ManifestFlags) => {
    const { spec, source } = await loadProject(flags, output);
    const { runChecks } = await import("../../check/run.js");
    const findings = runChecks(spec, source);
    const errors = findings.filter((f) => f.severity === "error").length;
    if (flags.json) {
      output.stdout(`${JSON.stringify({ findings, errors, warnings: findings.length - errors }, null, 2)}\n`);
    } else {
      for (const finding of findings) {
        const text = formatProblem({ ...finding, severity: undefined });
        output.stdout(
          finding.severity === "error"
            ? text
            : text.replace(` ${finding.code} `, ` ${finding.severity} ${finding.code} `),
        );
      }
      output.stdout(
        findings.length === 0 ? "no findings\n" : `${findings.length} findings, ${errors} errors\n`,
      );
    }
    if (errors > 0) setExitCode(1);
  });
}

import type { Command } from "commander";
import { InputError } from "../errors.js";
import type { LoadResult } from "../manifest/load.js";
import type { AppSpec } from "../manifest/model.js";
import type { StartPlan } from "../plan/start-order.js";
import { type Output, printWarnings } from "./report.js";

/** The Compose flags every command that reads the manifest accepts (same names as `docker compose`). */
export interface ManifestFlags {
  readonly file?: string[];
  readonly envFile?: string[];
  readonly projectName?: string;
  readonly projectDirectory?: string;
  readonly profile?: string[];
  readonly json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `logs` keeps `-f` for --follow (as `docker compose logs -f`); there the file flag is only `--file`. */
export function addManifestOptions(command: Command, { shortFile = true } = {}): Command {
  return command
    .option(
      `${shortFile ? "-f, " : ""}--file <file>`,
      "Compose file (repeat to merge several; later files override)",
      collect,
    )
    .option("--env-file <file>", "file of variables for interpolation (repeatable; replaces ./.env)", collect)
    .option("-p, --project-name <name>", "project name (default: top-level name:, else the directory name)")
    .option(
      "--project-directory <dir>",
      "directory relative paths are resolved against (default: the first file's)",
    )
    .option("--profile <profile>", "enable services of this profile (repeatable)", collect)
    .option("--json", "print results and errors as JSON on stdout");
}

/** A loaded, checked manifest with its start plan; bad input throws an InputError carrying every problem. */
export interface LoadedProject {
  readonly spec: AppSpec;
  readonly plan: StartPlan;
  readonly source: Pick<LoadResult, "locate" | "isLiteral">;
  readonly warnings: readonly import("../errors.js").Problem[];
}

/** Loads and checks the manifest; the loader (zod, yaml) is imported here, only by commands that read it. */
export async function loadProject(flags: ManifestFlags, output: Output): Promise<LoadedProject> {
  const [{ loadManifest }, { planStartOrder }] = await Promise.all([
    import("../manifest/load.js"),
    import("../plan/start-order.js"),
  ]);
  const result = loadManifest({
    files: flags.file ?? [],
    envFiles: flags.envFile ?? [],
    projectName: flags.projectName,
    projectDirectory: flags.projectDirectory,
    profiles: flags.profile ?? [],
  });
  const errors = result.problems.filter((p) => p.severity !== "warning");
  const warnings = result.problems.filter((p) => p.severity === "warning");
  if (!flags.json) printWarnings(warnings, output);
  if (errors.length > 0 || !result.spec) throw new InputError(errors);
  return {
    spec: result.spec,
    plan: planStartOrder(result.spec, result.locate),
    source: result,
    warnings,
  };
}

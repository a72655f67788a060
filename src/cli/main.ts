import { Command, CommanderError } from "commander";
import { InputError, SlipwayError } from "../errors.js";
import { registerAgent } from "./commands/agent.js";
import { registerAudit } from "./commands/audit.js";
import { registerBackup } from "./commands/backup.js";
import { registerCanaryDecisions } from "./commands/canary.js";
import { registerCheck } from "./commands/check.js";
import { registerConfig } from "./commands/config.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerDown } from "./commands/down.js";
import { registerLogs } from "./commands/logs.js";
import { registerMaintenance } from "./commands/maintenance.js";
import { registerPlan } from "./commands/plan.js";
import { registerPs } from "./commands/ps.js";
import { registerReleases } from "./commands/releases.js";
import { registerRestart } from "./commands/restart.js";
import { registerRun } from "./commands/run.js";
import { registerSecret } from "./commands/secret.js";
import { type Output, printErrors, processOutput } from "./report.js";

/** Exit codes: 0 ok, 1 the operation found problems, 2 bad input (manifest or flags), 70 a bug in slipway. */
export const EXIT = { ok: 0, problems: 1, input: 2, internal: 70 } as const;

function buildProgram(output: Output, setExitCode: (code: number) => void): Command {
  const program = new Command("slipway")
    .description("Deploy a Compose application with zero downtime, migrations, rollback, TLS and backups.")
    .version("0.1.0")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
  registerConfig(program, output);
  registerCheck(program, output, setExitCode);
  registerPlan(program, output);
  registerDeploy(program, output, setExitCode);
  registerPs(program, output);
  registerReleases(program, output);
  registerLogs(program, output);
  registerRestart(program, output);
  registerRun(program, output, setExitCode);
  registerSecret(program, output, setExitCode);
  registerDown(program, output);
  registerBackup(program, output, setExitCode);
  registerCanaryDecisions(program, output);
  registerMaintenance(program, output);
  registerAgent(program, output);
  registerAudit(program, output);
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const json = argv.includes("--json") || argv.join(" ").includes("--format json");
  const program = buildProgram(output, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.ok;
    }
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code))
        return EXIT.ok;
      // commander has already printed its message to stderr; in JSON mode repeat it as a coded error.
      if (json)
        printErrors([{ code: "E_CLI_USAGE", message: error.message.replace(/^error: /, "") }], true, output);
      return EXIT.input;
    }
    if (error instanceof SlipwayError) {
      printErrors(error.problems, json, output);
      return error instanceof InputError ? EXIT.input : EXIT.problems;
    }
    output.stderr(
      `internal error (a bug in slipway, please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return EXIT.internal;
  }
}

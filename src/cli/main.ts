import { Command, CommanderError } from "commander";
import { InputError, SlipwayError } from "../errors.js";
import { type Output, printErrors, processOutput } from "./report.js";

/** Exit codes: 0 ok, 1 the operation found problems, 2 bad input (manifest or flags), 70 a bug in slipway. */
export const EXIT = { ok: 0, problems: 1, input: 2, internal: 70 } as const;

type Register = (program: Command, output: Output, setExitCode: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs (or for the full `--help`): a command
 * pays for its own imports, not for the others'. Keys are the command names and aliases.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  config: async () => (await import("./commands/config.js")).registerConfig,
  check: async () => (await import("./commands/check.js")).registerCheck,
  plan: async () => (await import("./commands/plan.js")).registerPlan,
  render: async () => (await import("./commands/render.js")).registerRender,
  deploy: async () => (await import("./commands/deploy.js")).registerDeploy,
  ps: async () => (await import("./commands/ps.js")).registerPs,
  releases: async () => (await import("./commands/releases.js")).registerReleases,
  logs: async () => (await import("./commands/logs.js")).registerLogs,
  restart: async () => (await import("./commands/restart.js")).registerRestart,
  run: async () => (await import("./commands/run.js")).registerRun,
  down: async () => (await import("./commands/down.js")).registerDown,
  backup: async () => (await import("./commands/backup.js")).registerBackup,
  promote: async () => (await import("./commands/canary.js")).registerCanaryDecisions,
  errors: async () => (await import("./commands/errors.js")).registerErrors,
  maintenance: async () => (await import("./commands/maintenance.js")).registerMaintenance,
  alerts: async () => (await import("./commands/alerts.js")).registerAlerts,
  secret: async () => (await import("./commands/secret.js")).registerSecret,
  audit: async () => (await import("./commands/audit.js")).registerAudit,
  dashboard: async () => (await import("./commands/dashboard.js")).registerDashboard,
  agent: async () => (await import("./commands/agent.js")).registerAgent,
};
/** Commands registered by another one's module. */
const ALIASES: Readonly<Record<string, string>> = {
  up: "deploy",
  rollback: "deploy",
  abort: "promote",
  proxy: "agent",
  router: "agent",
};

async function buildProgram(
  argv: readonly string[],
  output: Output,
  setExitCode: (code: number) => void,
): Promise<Command> {
  const program = new Command("slipway")
    .description("Deploy a Compose application with zero downtime, migrations, rollback, TLS and backups.")
    .version("0.1.0")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
  const first = argv.find((arg) => !arg.startsWith("-"));
  const name = first && (ALIASES[first] ?? first);
  // One command's module when argv names one; all of them for the overview help and for suggestions.
  const wanted = name && COMMANDS[name] ? [COMMANDS[name]] : [...new Set(Object.values(COMMANDS))];
  for (const register of await Promise.all(wanted.map((load) => load())))
    register(program, output, setExitCode);
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
  try {
    const program = await buildProgram(argv, output, (code) => {
      exitCode = Math.max(exitCode, code);
    });
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

import type { Command } from "commander";
import type { ExecResult } from "../../targets/target.js";
import { connectAgent, projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

export function registerRun(program: Command, output: Output, setExitCode: (code: number) => void): void {
  addManifestOptions(
    program
      .command("run <service> [command...]")
      .description(
        "run a one-off command with the service's environment (`slipway run api -- node script.js`)",
      ),
  ).action(async (service: string, command: string[], flags: ManifestFlags) => {
    const project = await projectName(flags, output);
    const result = await (await connectAgent()).call<ExecResult>("POST", "/v1/run", {
      project,
      service,
      command,
    });
    if (flags.json) output.stdout(`${JSON.stringify(result)}\n`);
    else output.stdout(result.output);
    setExitCode(result.exitCode === 0 ? 0 : 1);
  });
}

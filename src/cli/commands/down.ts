import type { Command } from "commander";
import { connectAgent, projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

export function registerDown(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("down")
      .description("stop every service of the project (data and releases are kept)")
      .option("--secrets", "swarm target: also remove the project's Swarm secrets and configs"),
  ).action(async (flags: ManifestFlags & { secrets?: boolean }) => {
    const project = await projectName(flags, output);
    const { stopped } = await (await connectAgent()).call<{ stopped: number }>("POST", "/v1/down", {
      project,
      purge: flags.secrets === true,
    });
    output.stdout(
      flags.json
        ? `${JSON.stringify({ project, stopped })}\n`
        : `stopped ${stopped} instances of ${project}; data is kept\n`,
    );
  });
}

import type { Command } from "commander";
import { connectAgent, projectName } from "../agent-connection.js";
import { addContextOption, type ContextFlags, kubernetesDown, kubernetesSpec } from "../kubernetes.js";
import { addManifestOptions } from "../manifest-options.js";
import { REMOVE_ORPHANS_FLAG, REMOVE_ORPHANS_HELP, removeOrphans } from "../orphans.js";
import type { Output } from "../report.js";

export function registerDown(program: Command, output: Output): void {
  addContextOption(
    addManifestOptions(
      program.command("down").description("stop every service of the project (data and releases are kept)"),
    ),
  )
    .option(REMOVE_ORPHANS_FLAG, REMOVE_ORPHANS_HELP)
    .option("--volumes", "kubernetes target: also delete the project's PersistentVolumeClaims (its data)")
    .action(async (flags: ContextFlags & { removeOrphans?: boolean; volumes?: boolean }) => {
      const kubernetes = await kubernetesSpec(flags, output);
      if (kubernetes) return kubernetesDown(kubernetes, flags, output);
      const project = await projectName(flags, output);
      const client = await connectAgent();
      const { stopped } = await client.call<{ stopped: number }>("POST", "/v1/down", {
        project,
      });
      output.stdout(
        flags.json
          ? `${JSON.stringify({ project, stopped })}\n`
          : `stopped ${stopped} instances of ${project}; data is kept\n`,
      );
      if (flags.removeOrphans) await removeOrphans(client, project, output, flags.json ?? false);
    });
}

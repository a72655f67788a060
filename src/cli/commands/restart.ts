import type { Command } from "commander";
import { connectAgent, projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

export function registerRestart(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("restart [service]")
      .description("restart a service's instances (or all services), health-gated"),
  ).action(async (service: string | undefined, flags: ManifestFlags) => {
    const project = await projectName(flags, output);
    await (await connectAgent()).call("POST", "/v1/restart", { project, service });
    output.stdout(
      flags.json
        ? `${JSON.stringify({ project, service: service ?? null, restarted: true })}\n`
        : `restarted ${service ?? "all services"} of ${project}\n`,
    );
  });
}

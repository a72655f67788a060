import type { Command } from "commander";
import type { Deploy, Release } from "../../state/index.js";
import { connectAgent } from "../agent-connection.js";
import { addContextOption, type ContextFlags, kubernetesReleases, kubernetesSpec } from "../kubernetes.js";
import { addManifestOptions } from "../manifest-options.js";
import { chosenProject } from "../project-choice.js";
import type { Output } from "../report.js";

export function registerReleases(program: Command, output: Output): void {
  addContextOption(
    addManifestOptions(
      program
        .command("releases")
        .description(
          "list releases (newest first) and recent deploys; --json includes each release's frozen spec, secrets redacted",
        ),
    ),
  ).action(async (flags: ContextFlags) => {
    const kubernetes = await kubernetesSpec(flags, output);
    if (kubernetes) return kubernetesReleases(kubernetes, flags, output);
    const project = await chosenProject(flags, output);
    const result = await (await connectAgent()).call<{
      releases: Omit<Release, "spec">[];
      deploys: Deploy[];
    }>("GET", `/v1/releases?project=${encodeURIComponent(project)}${flags.json ? "&spec=1" : ""}`);
    if (flags.json) return void output.stdout(`${JSON.stringify(result, null, 2)}\n`);
    const lines = [`releases of ${project}:`];
    for (const r of result.releases) {
      lines.push(
        `  ${r.id.padEnd(5)} ${r.status.padEnd(10)} ${new Date(r.createdAt).toISOString()}  ${r.specHash.slice(0, 12)}`,
      );
    }
    lines.push("deploys:");
    for (const d of result.deploys) {
      const error =
        d.error && typeof d.error === "object"
          ? ` — ${(d.error as { message?: string }).message?.split("\n")[0]}`
          : "";
      lines.push(`  #${d.id} ${d.kind} ${d.fromReleaseId ?? "-"} → ${d.releaseId}  ${d.status}${error}`);
    }
    output.stdout(`${lines.join("\n")}\n`);
  });
}

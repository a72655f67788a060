import type { Command } from "commander";
import type { PsResult } from "../../agent/api.js";
import { connectAgent } from "../agent-connection.js";
import { addContextOption, type ContextFlags, kubernetesPs, kubernetesSpec } from "../kubernetes.js";
import { addManifestOptions } from "../manifest-options.js";
import { orphanLines } from "../orphans.js";
import { chosenProject } from "../project-choice.js";
import type { Output } from "../report.js";

const age = (startedAt: number) => {
  const s = Math.max(0, Math.round((Date.now() - startedAt) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

/** The `ps` table: one row per instance, then where each service is reachable. */
export function formatPs(ps: PsResult): string {
  const lines = [`project ${ps.project}, release ${ps.release ?? "none"}`];
  const rows = [["SERVICE", "INSTANCE", "RELEASE", "STATE", "PID", "PORT", "RESTARTS", "UP"]];
  for (const i of ps.instances) {
    rows.push([
      i.service,
      i.id,
      i.release,
      i.state,
      String(i.pid),
      String(i.port ?? "-"),
      String(i.restarts),
      age(i.startedAt),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    );
  for (const service of ps.services) {
    const where = [...service.addresses, ...service.published.map((p) => `published ${p}`)];
    if (service.schedule) where.push(`schedule "${service.schedule}"`);
    if (where.length > 0) lines.push(`${service.name}: ${where.join(", ")}`);
  }
  lines.push(...orphanLines(ps));
  return `${lines.join("\n")}\n`;
}

export function registerPs(program: Command, output: Output): void {
  addContextOption(
    addManifestOptions(program.command("ps").description("list the project's instances with their state")),
  ).action(async (flags: ContextFlags) => {
    const kubernetes = await kubernetesSpec(flags, output);
    if (kubernetes) return kubernetesPs(kubernetes, flags, output);
    const project = await chosenProject(flags, output);
    const ps = await (await connectAgent()).call<PsResult>(
      "GET",
      `/v1/ps?project=${encodeURIComponent(project)}`,
    );
    output.stdout(flags.json ? `${JSON.stringify(ps, null, 2)}\n` : formatPs(ps));
  });
}

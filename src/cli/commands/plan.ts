import type { Command } from "commander";
import type { StartPlan } from "../../plan/start-order.js";
import { addManifestOptions, loadProject, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

/** Human form: one block per level, each service with its strategy, replicas and what it waits for. */
export function formatPlan(plan: StartPlan): string {
  const lines = [
    `project ${plan.project}: ${plan.levels.flat().length} services in ${plan.levels.length} start levels`,
  ];
  plan.levels.forEach((level, index) => {
    lines.push(`level ${index + 1}:`);
    for (const service of level) {
      const waits = service.waitsFor
        .map((w) => `${w.service} (${w.condition.replace("service_", "")})`)
        .join(", ");
      const replicas = service.replicas === 1 ? "" : ` ×${service.replicas}`;
      lines.push(
        `  ${service.name}${replicas}  strategy=${service.strategy}${waits ? `  after ${waits}` : ""}`,
      );
    }
  });
  return `${lines.join("\n")}\n`;
}

export function registerPlan(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("plan")
      .description("show the start order (dependency levels) and each service's rollout strategy"),
  ).action((flags: ManifestFlags) => {
    const { plan, warnings } = loadProject(flags, output);
    output.stdout(flags.json ? `${JSON.stringify({ ...plan, warnings }, null, 2)}\n` : formatPlan(plan));
  });
}

import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Plan, ServicePlan } from "../../plan/model.js";
import { slipwayPaths } from "../../state/paths.js";
import { connectAgent } from "../agent-connection.js";
import { addManifestOptions, loadProject, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";
import { frozenSpec } from "./deploy.js";

const ACTION_MARK: Record<ServicePlan["action"], string> = {
  "roll-out": "~",
  repair: "!",
  "run-job": ">",
  schedule: "@",
  skip: "=",
};

function formatService(service: ServicePlan): string[] {
  const waits = service.waitsFor
    .map((w) => `${w.service} (${w.condition.replace("service_", "")})`)
    .join(", ");
  const replicas = service.replicas === 1 ? "" : ` ×${service.replicas}`;
  const head = `  ${ACTION_MARK[service.action]} ${service.name}${replicas}  ${service.action}  strategy=${service.strategy}${waits ? `  after ${waits}` : ""}`;
  return [
    head,
    `      because: ${service.reasons.join(", ")}`,
    ...service.steps.map((step) => `      - ${step.kind}: ${step.detail}`),
  ];
}

/** Human form: the release, then one block per start level, each service with its action, reasons and steps. */
export function formatPlan(plan: Plan): string {
  const services = plan.levels.flat();
  const changing = services.filter((s) => s.action !== "skip" && s.action !== "schedule").length;
  const release = plan.release.reuses
    ? `same content as the active release ${plan.release.reuses}`
    : `new release ${plan.release.hash.slice(0, 12)}${plan.from ? ` replacing ${plan.from}` : ""}`;
  const lines = [
    `project ${plan.project}: ${release}; ${services.length} services in ${plan.levels.length} start levels, ${changing} to change`,
  ];
  plan.levels.forEach((level, index) => {
    lines.push(`level ${index + 1}:`);
    for (const service of level) lines.push(...formatService(service));
  });
  for (const removed of plan.removed)
    lines.push(`  - ${removed.service}  removed: stop ${removed.instances} instance(s), data stays`);
  return `${lines.join("\n")}\n`;
}

export function registerPlan(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("plan")
      .description(
        "show what `deploy` would do: per service its action (roll-out, repair, run-job, schedule, skip), why, and its steps, in start order",
      ),
  ).action(async (flags: ManifestFlags) => {
    const { spec, warnings } = await loadProject(flags, output);
    const paths = slipwayPaths();
    // With state on this machine, the agent plans against what runs; without, against nothing.
    let plan: Plan;
    if (existsSync(paths.stateDb)) {
      const request = { spec: await frozenSpec(spec) };
      plan = (await (await connectAgent()).call<{ plan: Plan }>("POST", "/v1/plan", request)).plan;
    } else {
      const [{ freezeApp }, { draftRelease }, { planDeploy }, { NOTHING_RUNS }] = await Promise.all([
        import("../../release/freeze.js"),
        import("../../release/create.js"),
        import("../../plan/plan.js"),
        import("../../plan/model.js"),
      ]);
      const frozen = freezeApp(spec);
      plan = planDeploy(draftRelease(frozen, paths.artifacts(frozen.name)), NOTHING_RUNS);
    }
    output.stdout(flags.json ? `${JSON.stringify({ ...plan, warnings }, null, 2)}\n` : formatPlan(plan));
  });
}

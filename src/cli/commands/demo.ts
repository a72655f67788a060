import { resolve } from "node:path";
import type { Command } from "commander";
import { loadProject } from "../manifest-options.js";
import type { Output } from "../report.js";
import { formatPlan } from "./plan.js";

/** The example bot platform that `npm run demo` deploys. */
export const DEMO_COMPOSE = resolve(import.meta.dirname, "../../../examples/bot-platform/compose.yaml");

export function registerDemo(program: Command, output: Output): void {
  program
    .command("demo")
    .description(
      "deploy the example bot platform on this machine (validates and plans it until the deploy engine lands)",
    )
    .action(() => {
      const { plan } = loadProject({ file: [DEMO_COMPOSE] }, output);
      output.stdout(formatPlan(plan));
      output.stdout(
        "\nnot yet: the deploy engine (process target, agent) has not landed, so the demo stops after planning.\n" +
          `The example is ${DEMO_COMPOSE}; try: ./bin/slipway check -f ${DEMO_COMPOSE}\n`,
      );
    });
}

import type { Command } from "commander";
import { SlipwayError } from "../../errors.js";
import { connectAgent, projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

/** `slipway promote` / `slipway abort`: decide a canary that waits (or cut its current step short). */
export function registerCanaryDecisions(program: Command, output: Output): void {
  for (const decision of ["promote", "abort"] as const) {
    addManifestOptions(
      program
        .command(decision)
        .description(
          decision === "promote"
            ? "let a paused canary go on to full traffic"
            : "stop a canary and send all traffic back to the stable version",
        ),
    ).action(async (flags: ManifestFlags) => {
      const project = await projectName(flags, output);
      const { decided } = await (await connectAgent()).call<{ decided: boolean }>("POST", `/v1/${decision}`, {
        project,
      });
      if (!decided) {
        throw new SlipwayError({
          code: "E_CANARY_NONE",
          message: `no canary of ${project} is waiting for a decision`,
          hint: "see `slipway ps`",
        });
      }
      output.stdout(
        flags.json
          ? `${JSON.stringify({ project, decision })}\n`
          : `${decision === "promote" ? "promoted" : "aborted"} the canary of ${project}\n`,
      );
    });
  }
}

import type { Command } from "commander";
import { AGENT_ERRORS } from "../../agent/errors.js";
import { BACKUP_ERRORS } from "../../backup/errors.js";
import { CHECK_ERRORS } from "../../check/errors.js";
import { DEPLOY_ERRORS } from "../../deploy/errors.js";
import { BASE_ERRORS, type ErrorCatalogue } from "../../errors.js";
import { HOST_ERRORS } from "../../host/errors.js";
import { MANIFEST_ERRORS } from "../../manifest/errors.js";
import { OBSERVE_ERRORS } from "../../observe/errors.js";
import { PLAN_ERRORS } from "../../plan/errors.js";
import { RELEASE_ERRORS } from "../../release/errors.js";
import { ROUTER_ERRORS } from "../../router/errors.js";
import { SECRET_ERRORS } from "../../secrets/errors.js";
import { STATE_ERRORS } from "../../state/errors.js";
import { TARGET_ERRORS } from "../../targets/errors.js";
import { KUBERNETES_ERRORS } from "../../targets/kubernetes/errors.js";
import { CLI_ERRORS } from "../errors.js";
import type { Output } from "../report.js";

/** Every stage's error codes, in pipeline order: the one list `slipway errors` and the README print. */
export const ERROR_CATALOGUES: readonly { readonly stage: string; readonly codes: ErrorCatalogue }[] = [
  { stage: "manifest", codes: MANIFEST_ERRORS },
  { stage: "check", codes: CHECK_ERRORS },
  { stage: "release", codes: RELEASE_ERRORS },
  { stage: "plan", codes: PLAN_ERRORS },
  { stage: "deploy", codes: DEPLOY_ERRORS },
  { stage: "targets", codes: TARGET_ERRORS },
  { stage: "kubernetes", codes: KUBERNETES_ERRORS },
  { stage: "router", codes: ROUTER_ERRORS },
  { stage: "backup", codes: BACKUP_ERRORS },
  { stage: "secrets", codes: SECRET_ERRORS },
  { stage: "state", codes: STATE_ERRORS },
  { stage: "host", codes: HOST_ERRORS },
  { stage: "observe", codes: OBSERVE_ERRORS },
  { stage: "agent", codes: AGENT_ERRORS },
  { stage: "cli", codes: CLI_ERRORS },
  { stage: "base", codes: BASE_ERRORS },
];

/** The catalogue as a Markdown table (the README's "Error codes" section is exactly this). */
export function errorsMarkdown(): string {
  const rows = ERROR_CATALOGUES.flatMap(({ stage, codes }) =>
    Object.entries(codes).map(
      ([code, meaning]) => `| \`${code}\` | ${stage} | ${meaning.replaceAll("|", "\\|")} |`,
    ),
  );
  return ["| code | stage | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

export function registerErrors(program: Command, output: Output): void {
  program
    .command("errors")
    .description("list every error code slipway reports, by stage, with what it means")
    .option("--json", "machine-readable output")
    .option("--markdown", "as the Markdown table of the README")
    .action((flags: { json?: boolean; markdown?: boolean }) => {
      if (flags.json) return void output.stdout(`${JSON.stringify(ERROR_CATALOGUES, null, 2)}\n`);
      if (flags.markdown) return void output.stdout(`${errorsMarkdown()}\n`);
      const width = Math.max(...ERROR_CATALOGUES.flatMap((c) => Object.keys(c.codes).map((k) => k.length)));
      const lines = ERROR_CATALOGUES.flatMap(({ stage, codes }) => [
        `${stage}:`,
        ...Object.entries(codes).map(([code, meaning]) => `  ${code.padEnd(width)}  ${meaning}`),
      ]);
      output.stdout(`${lines.join("\n")}\n`);
    });
}

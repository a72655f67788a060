import { readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { DeployEvent } from "../../deploy/events.js";
import { InputError } from "../../errors.js";
import type { SecretSummary } from "../../secrets/store.js";
import { connectAgent, projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";
import { followDeploy } from "./deploy.js";

interface ValueFlags extends ManifestFlags {
  fromFile?: string;
}

/**
 * A secret's value: from `--from-file` (a regular file, as it is) or standard input (one trailing
 * newline dropped, so `echo … |` works). Never from an argument: argv is visible to every user.
 */
function readValue(flags: ValueFlags): string {
  if (flags.fromFile !== undefined) {
    if (!statSync(flags.fromFile, { throwIfNoEntry: false })?.isFile())
      throw new InputError({
        code: "E_SECRET_SOURCE",
        message: `--from-file ${flags.fromFile} is not a regular file`,
        hint: "point it at a plain file",
      });
    return readFileSync(flags.fromFile, "utf8");
  }
  if (process.stdin.isTTY)
    throw new InputError({
      code: "E_SECRET_SOURCE",
      message: "no value: give it on standard input or with --from-file",
      hint: 'printf %s "$TOKEN" | slipway secret set NAME',
    });
  return readFileSync(0, "utf8").replace(/\n$/, "");
}

export function registerSecret(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const secret = program
    .command("secret")
    .description("a project's secrets, encrypted at rest (values never in argv)");
  addManifestOptions(
    secret
      .command("set <name>")
      .description("store a new version of a secret (value from stdin or --from-file)"),
  )
    .option("--from-file <file>", "read the value from this file")
    .action(async (name: string, flags: ValueFlags) => {
      const project = await projectName(flags, output);
      const value = readValue(flags);
      const result = await (await connectAgent()).call<{ version: number }>("POST", "/v1/secrets/set", {
        project,
        name,
        value,
      });
      output.stdout(
        flags.json
          ? `${JSON.stringify({ project, name, version: result.version })}\n`
          : `secret ${name} of ${project}: version ${result.version} stored (deploy, or \`slipway secret rotate\`, to use it)\n`,
      );
    });
  for (const alias of ["ls", "list"])
    addManifestOptions(
      secret.command(alias).description("list secrets: names, versions and dates, never values"),
    ).action(async (flags: ManifestFlags) => {
      const project = await projectName(flags, output);
      const { secrets } = await (await connectAgent()).call<{ secrets: SecretSummary[] }>(
        "GET",
        `/v1/secrets?project=${encodeURIComponent(project)}`,
      );
      if (flags.json) return void output.stdout(`${JSON.stringify({ project, secrets }, null, 2)}\n`);
      const lines = [`secrets of ${project}:`];
      for (const s of secrets)
        lines.push(
          `  ${s.name.padEnd(32)} v${s.latest}  (${s.versions.length} versions)  ${new Date(s.updatedAt).toISOString()}`,
        );
      if (secrets.length === 0) lines.push("  (none)");
      output.stdout(`${lines.join("\n")}\n`);
    });
  addManifestOptions(secret.command("rm <name>").description("remove every version of a secret")).action(
    async (name: string, flags: ManifestFlags) => {
      const project = await projectName(flags, output);
      await (await connectAgent()).call("POST", "/v1/secrets/rm", { project, name });
      output.stdout(
        flags.json ? `${JSON.stringify({ project, name, removed: true })}\n` : `secret ${name} removed\n`,
      );
    },
  );
  addManifestOptions(
    secret
      .command("rotate <name>")
      .description("store a new version and roll it out to the services that use it (health-gated)"),
  )
    .option("--from-file <file>", "read the new value from this file")
    .action(async (name: string, flags: ValueFlags) => {
      const project = await projectName(flags, output);
      const value = readValue(flags);
      const client = await connectAgent();
      setExitCode(
        await followDeploy(
          client.stream<DeployEvent>("POST", "/v1/secrets/rotate", { project, name, value }),
          flags.json ?? false,
          output,
        ),
      );
    });
}

import type { Command } from "commander";
import type { DeployEvent } from "../../deploy/events.js";
import { SlipwayError } from "../../errors.js";
import type { AppSpec } from "../../manifest/model.js";
import { connectAgent, projectName } from "../agent-connection.js";
import { confirmOrRefuse } from "../confirm.js";
import { identitiesFrom } from "../identities.js";
import { addContextOption, type ContextFlags, kubernetesSpec } from "../kubernetes.js";
import { addManifestOptions, loadProject } from "../manifest-options.js";
import { REMOVE_ORPHANS_FLAG, REMOVE_ORPHANS_HELP, removeOrphans } from "../orphans.js";
import type { Output } from "../report.js";

interface RollbackFlags extends ContextFlags {
  readonly restoreData?: boolean;
  readonly yes?: boolean;
  readonly identity?: string;
}

const PHASE_MARK: Record<string, string> = {
  healthy: "✓",
  completed: "✓",
  unchanged: "=",
  failed: "✗",
  "rolled-back": "↩",
};

/**
 * The spec as the agent receives it: `env_file`s and config files read here, with the user's own
 * permissions, into the release's frozen value.
 */
export async function frozenSpec(spec: AppSpec): Promise<string> {
  const [{ freezeApp }, { serializeAppSpec }] = await Promise.all([
    import("../../release/freeze.js"),
    import("../../manifest/serialize.js"),
  ]);
  return serializeAppSpec(freezeApp(spec));
}

/** One line per event for a person; the raw event for --json. */
export function formatDeployEvent(event: DeployEvent): string | undefined {
  switch (event.type) {
    case "deploy.started":
      return `deploying release ${event.release}${event.from ? ` (replacing ${event.from})` : ""}`;
    case "service":
      return `  ${PHASE_MARK[event.phase] ?? "·"} ${event.service.padEnd(14)} ${event.phase}${event.detail ? `  ${event.detail}` : ""}`;
    case "plan": {
      const services = event.plan.levels.flat();
      const skipped = services.filter((s) => s.action === "skip").length;
      return `  plan: ${services.length - skipped} of ${services.length} services to deploy${skipped ? `, ${skipped} unchanged` : ""}`;
    }
    case "step":
      return event.action === "skip"
        ? undefined
        : `  → ${event.service.padEnd(14)} ${event.action}  (${event.reasons.join(", ")})`;
    case "log":
      return `  ${event.level}: ${event.message}`;
    case "deploy.finished":
      return event.status === "succeeded"
        ? `release ${event.release} is live`
        : `deploy ${event.status}: ${event.error?.code ?? ""} ${event.error?.message ?? ""}${event.error?.hint ? `\n    hint: ${event.error.hint}` : ""}`;
    default:
      return undefined;
  }
}

/** Prints one deploy event: a line for a person (failures on stderr), or the JSON line. */
export function printDeployEvent(event: DeployEvent, json: boolean, output: Output): void {
  if (json) return void output.stdout(`${JSON.stringify(event)}\n`);
  const line = formatDeployEvent(event);
  if (line)
    (event.type === "deploy.finished" && event.status !== "succeeded" ? output.stderr : output.stdout)(
      `${line}\n`,
    );
}

/** Prints a deploy's event stream; resolves with the exit code (0 live, 1 failed or rolled back). */
export async function followDeploy(
  events: AsyncIterable<DeployEvent>,
  json: boolean,
  output: Output,
): Promise<number> {
  let finished: Extract<DeployEvent, { type: "deploy.finished" }> | undefined;
  for await (const event of events) {
    if (event.type === "deploy.finished") finished = event;
    printDeployEvent(event, json, output);
  }
  if (!finished)
    throw new SlipwayError({
      code: "E_AGENT_DISCONNECTED",
      message: "the agent stopped answering before the deploy finished",
      hint: "see `slipway ps` and the agent log",
    });
  return finished.status === "succeeded" ? 0 : 1;
}

export function registerDeploy(program: Command, output: Output, setExitCode: (code: number) => void): void {
  for (const name of ["deploy", "up"]) {
    const command = addManifestOptions(
      program
        .command(name)
        .description(
          name === "up"
            ? "alias of deploy"
            : "build a release and roll it out (health-gated, rolls back on failure)",
        ),
    );
    addContextOption(command)
      .option(REMOVE_ORPHANS_FLAG, `${REMOVE_ORPHANS_HELP}, once the release is live`)
      .option(
        "--include-secret-values",
        "kubernetes target: write Secrets from the secrets' sources (default: reference existing Secrets)",
      )
      .action(async (flags: ContextFlags & { removeOrphans?: boolean; includeSecretValues?: boolean }) => {
        const { spec } = await loadProject(flags, output);
        if (spec["x-slipway"].target === "kubernetes") {
          // The cluster runs and rolls out the services: no agent is involved.
          const { deployKubernetes } = await import("../../targets/kubernetes/kubernetes.js");
          const print = (event: DeployEvent) => printDeployEvent(event, flags.json ?? false, output);
          const outcome = await deployKubernetes(spec, flags, print);
          return setExitCode(outcome.status === "succeeded" ? 0 : 1);
        }
        const client = await connectAgent();
        const code = await followDeploy(
          client.stream<DeployEvent>("POST", "/v1/deploy", { spec: await frozenSpec(spec) }),
          flags.json ?? false,
          output,
        );
        if (code === 0 && flags.removeOrphans)
          await removeOrphans(client, spec.name, output, flags.json ?? false);
        setExitCode(code);
      });
  }
  const rollback = addManifestOptions(
    program
      .command("rollback [release]")
      .description("go back to the previous release (or the one named), reusing its built artifacts"),
  )
    .option("--restore-data", "also restore the backups taken before the rolled-back migrations")
    .option("--yes", "do not ask before restoring data (required without a terminal)")
    .option(
      "--identity <file>",
      "age identity file for encrypted backups (default: $SLIPWAY_BACKUP_IDENTITY)",
    );
  addContextOption(rollback).action(async (release: string | undefined, flags: RollbackFlags) => {
    const kubernetes = await kubernetesSpec(flags, output);
    if (kubernetes) {
      const { rollbackKubernetes } = await import("../../targets/kubernetes/kubernetes.js");
      const print = (event: DeployEvent) => printDeployEvent(event, flags.json ?? false, output);
      const outcome = await rollbackKubernetes(kubernetes, release, flags.context, print);
      return setExitCode(outcome.status === "succeeded" ? 0 : 1);
    }
    const project = await projectName(flags, output);
    const identities = flags.restoreData ? await identitiesFrom(flags.identity) : [];
    if (flags.restoreData)
      await confirmOrRefuse(
        `roll ${project} back and replace its data with the backups taken before its migrations?`,
        flags.yes,
      );
    const client = await connectAgent();
    setExitCode(
      await followDeploy(
        client.stream<DeployEvent>("POST", "/v1/rollback", {
          project,
          release,
          ...(flags.restoreData ? { restoreData: true, identities } : {}),
        }),
        flags.json ?? false,
        output,
      ),
    );
  });
}

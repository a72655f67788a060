import type { Command } from "commander";
import type { BackupListing } from "../../agent/backups/catalog.js";
import type { RestoreReport } from "../../agent/backups/restore.js";
import type { BackupRow, PrunePlanView } from "../../agent/backups/views.js";
import type { VerifyResult } from "../../backup/index.js";
import { SlipwayError } from "../../errors.js";
import { connectAgent, projectName } from "../agent-connection.js";
import { confirmOrRefuse } from "../confirm.js";
import { identitiesFrom } from "../identities.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

interface IdentityFlags extends ManifestFlags {
  readonly identity?: string;
}

const IDENTITY_HELP = "age identity file for encrypted backups (default: $SLIPWAY_BACKUP_IDENTITY)";

const print = (output: Output, json: boolean | undefined, value: unknown, human: () => string) =>
  output.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);

const row = (b: BackupRow) =>
  `  ${b.id}  ${b.service.padEnd(12)} ${b.engine.padEnd(8)} ${String(b.size).padStart(10)} B  ${b.encrypted ? "encrypted" : "plain    "}  verified: ${b.verified ?? "never"}`;

export function registerBackup(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const backup = program.command("backup").description("back up, list, verify, restore and prune backups");

  addManifestOptions(
    backup.command("run [service]").description("back up every service with x-slipway.backups (or one) now"),
  ).action(async (service: string | undefined, flags: ManifestFlags) => {
    const project = await projectName(flags, output);
    const result = await (await connectAgent()).call<{
      backups: BackupRow[];
      failures: { service: string; code: string; message: string }[];
    }>("POST", "/v1/backups/run", { project, service });
    if (result.failures.length > 0) setExitCode(1);
    print(
      output,
      flags.json,
      result,
      () =>
        [
          ...result.backups.map((b) => `backed up ${b.service}: ${b.id} (${b.size} bytes)`),
          ...result.failures.map((f) => `${f.service}: ${f.code} ${f.message}`),
        ].join("\n") || "no service has x-slipway.backups",
    );
  });

  addManifestOptions(
    backup.command("list").description("backups of the project, newest first, and recent failures"),
  ).action(async (flags: ManifestFlags) => {
    const project = await projectName(flags, output);
    const result = await (await connectAgent()).call<BackupListing>(
      "GET",
      `/v1/backups?project=${encodeURIComponent(project)}`,
    );
    print(output, flags.json, { project, ...result }, () =>
      [
        `backups of ${project}:`,
        ...result.backups.map(row),
        ...result.unreadable.map((u) => `  unreadable ${u.key}: ${u.message}`),
        ...(result.failures.length > 0 ? ["recent failures:"] : []),
        ...result.failures.map((f) => `  ${new Date(f.ts).toISOString()} ${f.service ?? ""} ${f.message}`),
      ].join("\n"),
    );
  });

  addManifestOptions(
    backup
      .command("verify <id>")
      .description("prove a backup restores: restore it into a scratch copy and check it"),
  )
    .option("--identity <file>", IDENTITY_HELP)
    .action(async (id: string, flags: IdentityFlags) => {
      const project = await projectName(flags, output);
      const identities = await identitiesFrom(flags.identity);
      const result = await (await connectAgent()).call<VerifyResult & { id: string; service: string }>(
        "POST",
        "/v1/backups/verify",
        { project, id, identities },
      );
      if (!result.ok) {
        const failed = result.details.checks.find((c) => !c.ok);
        throw new SlipwayError({
          code: result.details.error?.code ?? "E_BACKUP_VERIFY_FAILED",
          message: `backup ${id} of ${result.service} does not restore: ${result.details.error?.message ?? `${failed?.name}: ${failed?.message}`}`,
          hint: "take a new backup (`slipway backup run`); this one is kept but never trusted by retention",
        });
      }
      print(output, flags.json, result, () =>
        [
          `backup ${id} of ${result.service} restores (${result.durationMs} ms)`,
          ...result.details.checks.map((c) => `  ✓ ${c.name}: ${c.message}`),
        ].join("\n"),
      );
    });

  addManifestOptions(
    backup
      .command("restore <id>")
      .description("restore a backup over the service's data (or into --to); asks first"),
  )
    .option("--to <name>", "postgres: a new database name; redis/volume: an absolute directory")
    .option("--yes", "do not ask for confirmation (required without a terminal)")
    .option("--identity <file>", IDENTITY_HELP)
    .action(async (id: string, flags: IdentityFlags & { to?: string; yes?: boolean }) => {
      const project = await projectName(flags, output);
      const identities = await identitiesFrom(flags.identity);
      await confirmOrRefuse(
        flags.to
          ? `restore backup ${id} of ${project} into ${flags.to}?`
          : `replace the data of ${project} with backup ${id}?`,
        flags.yes,
      );
      const result = await (await connectAgent()).call<RestoreReport>("POST", "/v1/backups/restore", {
        project,
        id,
        to: flags.to,
        identities,
      });
      print(output, flags.json, result, () =>
        [
          `restored backup ${id} of ${result.service} to ${result.restoredTo}`,
          ...result.notes.map((n) => `  ${n}`),
        ].join("\n"),
      );
    });

  addManifestOptions(
    backup.command("prune").description("apply each service's retention (never the newest verified backup)"),
  )
    .option("--dry-run", "say what would be deleted; delete nothing")
    .action(async (flags: ManifestFlags & { dryRun?: boolean }) => {
      const project = await projectName(flags, output);
      const result = await (await connectAgent()).call<{ dryRun: boolean; services: PrunePlanView[] }>(
        "POST",
        "/v1/backups/prune",
        { project, dryRun: flags.dryRun ?? false },
      );
      print(output, flags.json, result, () =>
        result.services
          .flatMap((s) => [
            `${s.service}:`,
            ...s.keep.map((k) => `  keep   ${k.id}  (${k.reasons.join(", ")})`),
            ...s.delete.map((d) => `  ${result.dryRun ? "would delete" : "deleted"} ${d}`),
          ])
          .join("\n"),
      );
    });
}

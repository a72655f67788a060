import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { parseDuration } from "../../manifest/duration.js";
import type { AuditEntry } from "../../state/audit.js";
import { connectAgent } from "../agent-connection.js";
import type { Output } from "../report.js";

/** `--since 1h` (a duration back from now) or an ISO date; milliseconds since the epoch. */
function sinceOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const date = Date.parse(text);
  if (!Number.isNaN(date) && /\d{4}-\d{2}-\d{2}/.test(text)) return date;
  const duration = parseDuration(text);
  if (duration === undefined)
    throw new InputError({
      code: "E_CLI_USAGE",
      message: `--since ${text}: neither a duration nor a date`,
      hint: "use a duration like 1h or 7d, or a date like 2026-12-01",
    });
  return Date.now() - duration;
}

export function registerAudit(program: Command, output: Output): void {
  program
    .command("audit")
    .description("the append-only log of operator actions: who did what, when, and how it ended")
    .option("--since <when>", "only actions since a duration ago (1h, 7d) or a date")
    .option("-p, --project-name <name>", "only actions on this project")
    .option("--json", "print JSON")
    .action(async (flags: { since?: string; projectName?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      const since = sinceOf(flags.since);
      if (since !== undefined) query.set("since", String(since));
      if (flags.projectName) query.set("project", flags.projectName);
      const { entries } = await (await connectAgent()).call<{ entries: AuditEntry[] }>(
        "GET",
        `/v1/audit?${query}`,
      );
      if (flags.json) return void output.stdout(`${JSON.stringify({ entries }, null, 2)}\n`);
      const lines = entries.map(
        (e) =>
          `${new Date(e.ts).toISOString()}  ${e.actor}  ${e.project ?? "-"}  ${e.action}  ${e.outcome}${e.error ? `  (${e.error})` : ""}  ${JSON.stringify(e.args)}`,
      );
      output.stdout(`${lines.length > 0 ? lines.join("\n") : "(no actions recorded)"}\n`);
    });
}

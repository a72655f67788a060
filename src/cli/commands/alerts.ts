import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { formatDuration, parseDuration } from "../../manifest/duration.js";
import type { AlertsView } from "../../observe/alerts/view.js";
import { connectAgent } from "../agent-connection.js";
import { addManifestOptions } from "../manifest-options.js";
import type { Output } from "../report.js";

const time = (ms: number | null | undefined) =>
  ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, "Z") : "-";

/** The human listing: rules, firing alerts, recent resolved ones, and how each channel fares. */
export function formatAlerts(view: AlertsView, now = Date.now()): string {
  const lines = [`rules (evaluated ${time(view.evaluatedAt)}):`];
  for (const r of view.rules)
    lines.push(
      `  ${r.rule.padEnd(22)} ${r.firing > 0 ? `${r.firing} firing` : "ok"}${r.silencedUntil ? `  silenced for ${formatDuration(r.silencedUntil - now)}` : ""}`,
    );
  lines.push(view.firing.length > 0 ? "firing:" : "firing: none");
  for (const a of view.firing)
    lines.push(
      `  ${a.severity.toUpperCase().padEnd(8)} ${a.summary} (since ${time(a.since)}${a.silenced ? ", silenced" : ""})`,
    );
  if (view.recent.length > 0) lines.push("recently resolved:");
  for (const a of view.recent.slice(0, 10))
    lines.push(`  ${a.summary} (${time(a.since)} – ${time(a.resolvedAt)})`);
  lines.push(view.channels.length > 0 ? "channels:" : "channels: none have sent anything yet");
  for (const c of view.channels)
    lines.push(
      `  ${c.project}/${c.channel} (${c.type}): ${c.failures > 0 ? `FAILING (${c.failures} failed deliveries; last ${time(c.lastFailureAt)}: ${c.lastError})` : `ok, last delivery ${time(c.lastSuccessAt)}`}`,
    );
  return `${lines.join("\n")}\n`;
}

/** `slipway alerts [--json]` and `slipway alerts silence RULE --for 2h`. */
export function registerAlerts(program: Command, output: Output): void {
  // The manifest flags are taken like every command's; the listing covers every project of the agent.
  const alerts = addManifestOptions(
    program
      .command("alerts")
      .description(
        "list alert rules, firing and recently resolved alerts (every project), and alert channels' health",
      ),
  ).action(async (flags: { json?: boolean }) => {
    const view = await (await connectAgent()).call<AlertsView>("GET", "/v1/alerts");
    output.stdout(flags.json ? `${JSON.stringify(view, null, 2)}\n` : formatAlerts(view));
  });
  addManifestOptions(
    alerts
      .command("silence <rule>")
      .description("send no notices of RULE for a while (it is still evaluated and listed); --for 0 lifts it")
      .requiredOption("--for <duration>", "how long, e.g. 30m, 2h"),
  ).action(async (rule: string, flags: { for: string; json?: boolean }) => {
    const forMs = flags.for === "0" ? 0 : parseDuration(flags.for);
    if (forMs === undefined)
      throw new InputError({
        code: "E_CLI_USAGE",
        message: `--for takes a duration such as 30m or 2h, not "${flags.for}"`,
        hint: "slipway alerts silence backup_stale --for 2h",
      });
    const view = await (await connectAgent()).call<AlertsView>("POST", "/v1/alerts/silence", {
      rule,
      forMs,
    });
    output.stdout(
      flags.json
        ? `${JSON.stringify(view, null, 2)}\n`
        : forMs > 0
          ? `${rule} silenced for ${formatDuration(forMs)}\n`
          : `${rule} no longer silenced\n`,
    );
  });
}

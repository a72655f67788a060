import type { Command } from "commander";
import { connectAgent } from "../agent-connection.js";
import { addManifestOptions } from "../manifest-options.js";
import type { Output } from "../report.js";

interface DashboardFlags {
  readonly listen?: string;
  readonly stop?: boolean;
  readonly json?: boolean;
}

/** The agent's answer (src/agent/dashboard-host.ts `DashboardLinks`). */
interface DashboardAnswer {
  readonly url: string;
  readonly loginUrl: string;
  readonly public?: { readonly url: string; readonly loginUrl: string; readonly project: string };
}

/** The published https URL first when a project publishes the dashboard; the one token works once, on either. */
function describeLinks(answer: DashboardAnswer): string {
  const once = "log in with this link (it works once, within 15 minutes)";
  if (!answer.public) return `dashboard: ${answer.url}\n${once}:\n  ${answer.loginUrl}\n`;
  return [
    `dashboard: ${answer.public.url} (published by ${answer.public.project} through the router, HTTPS only)`,
    `${once}:`,
    `  ${answer.public.loginUrl}`,
    `on this machine or through an SSH tunnel: ${answer.url} (the same link there: ${answer.loginUrl})`,
    "",
  ].join("\n");
}

/**
 * `slipway dashboard`: the agent serves the web dashboard on loopback (and through the router when a
 * project publishes it with `x-slipway.observe.dashboard.host`) and this prints a login link
 * that works once (its token is kept only as a hash); `--stop` stops serving it.
 */
export function registerDashboard(program: Command, output: Output): void {
  // The manifest flags are taken like every command's; the dashboard covers every project of the agent.
  addManifestOptions(
    program
      .command("dashboard")
      .description(
        "serve the web dashboard on loopback (and at its published https URL) and print a one-time login link",
      ),
  )
    .option(
      "--listen <host:port>",
      "loopback address to serve it on (default: as before, else x-slipway.observe.dashboard, else 127.0.0.1:9471)",
    )
    .option("--stop", "stop serving the dashboard")
    .action(async (flags: DashboardFlags) => {
      const agent = await connectAgent();
      if (flags.stop) {
        await agent.call("POST", "/v1/dashboard", { stop: true });
        output.stdout(flags.json ? `${JSON.stringify({ stopped: true })}\n` : "dashboard stopped\n");
        return;
      }
      const answer = await agent.call<DashboardAnswer>("POST", "/v1/dashboard", { listen: flags.listen });
      output.stdout(flags.json ? `${JSON.stringify(answer)}\n` : describeLinks(answer));
    });
}

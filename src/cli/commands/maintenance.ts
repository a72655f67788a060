import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { connectAgent } from "../agent-connection.js";
import type { Output } from "../report.js";

interface MaintenanceFlags {
  readonly retryAfter: string;
  readonly message: string;
  readonly json?: boolean;
}

/**
 * `slipway maintenance on|off`: the router answers every HTTP route with 503, a page and
 * `Retry-After` (router-wide: it serves every project of this machine), until turned off.
 */
export function registerMaintenance(program: Command, output: Output): void {
  program
    .command("maintenance <mode>")
    .description("turn maintenance mode on or off: every HTTP route of the router answers 503 with a page")
    .option("--retry-after <seconds>", "Retry-After the page sends, in seconds", "300")
    .option("--message <text>", "text of the maintenance page", "We will be back shortly.")
    .option("--json", "print the result as JSON")
    .action(async (mode: string, flags: MaintenanceFlags) => {
      if (mode !== "on" && mode !== "off")
        throw new InputError({
          code: "E_CLI_USAGE",
          message: `maintenance takes "on" or "off", not "${mode}"`,
          hint: "slipway maintenance on --retry-after 600 --message 'Back at 14:00'",
        });
      const retryAfterSeconds = Number(flags.retryAfter);
      if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1 || retryAfterSeconds > 86_400)
        throw new InputError({
          code: "E_CLI_USAGE",
          message: `--retry-after must be a whole number of seconds from 1 to 86400, not "${flags.retryAfter}"`,
          hint: "for example --retry-after 600",
        });
      await (await connectAgent()).call("POST", "/v1/maintenance", {
        on: mode === "on",
        retryAfterSeconds,
        message: flags.message,
      });
      output.stdout(
        flags.json
          ? `${JSON.stringify({ maintenance: mode === "on", retryAfterSeconds })}\n`
          : mode === "on"
            ? `maintenance on: every HTTP route answers 503 (Retry-After ${retryAfterSeconds} s) until \`slipway maintenance off\`\n`
            : "maintenance off: routes serve again\n",
      );
    });
}

import type { Command } from "commander";
import { openState } from "../../state/index.js";
import { slipwayPaths } from "../../state/paths.js";
import { LogFollower, readStreamTail } from "../../targets/process/log-tail.js";
import { projectName } from "../agent-connection.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

interface LogFlags extends ManifestFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
}

/**
 * Instance logs are plain files the processes write directly (they survive the agent), so `logs`
 * reads them itself from the state directory; it works while the agent is down. Lines come from the
 * rotated files (`stdout.log.2`, `.1`) and then the current one, and `-f` follows across rotations.
 */
export function registerLogs(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("logs [service]")
      .description("print the captured stdout/stderr of a service's instances (or all)")
      .option("-f, --follow", "keep printing new lines")
      .option(
        "-n, --tail <lines>",
        "only the last N lines of each instance and stream (`all`: every line, rotated files too)",
        "100",
      )
      .option("--since <time>", "only instances started since this time (ISO date or a duration like 10m)"),
    { shortFile: false },
  ).action(async (service: string | undefined, flags: LogFlags) => {
    const project = await projectName(flags, output);
    const paths = slipwayPaths();
    const store = openState(paths.stateDb);
    const since = flags.since ? parseSince(flags.since) : 0;
    const instances = store
      .listInstances(project, service ? { service } : undefined)
      .filter((i) => i.startedAt >= since);
    store.close();
    const tail = flags.tail === "all" ? undefined : Number(flags.tail ?? 100);
    const followers: { follower: LogFollower; print: (line: string) => void }[] = [];
    for (const instance of instances) {
      const logDir = paths.logs(project, instance.id);
      for (const stream of ["stdout", "stderr"] as const) {
        const print = (line: string) =>
          output.stdout(
            flags.json
              ? `${JSON.stringify({ instance: instance.id, stream, line })}\n`
              : `${instance.service} | ${line}\n`,
          );
        const { lines, cursor } = await readStreamTail(logDir, stream, tail);
        for (const line of lines) if (line !== "") print(line);
        followers.push({ follower: new LogFollower(logDir, stream, cursor), print });
      }
    }
    while (flags.follow) {
      await new Promise((r) => setTimeout(r, 250));
      for (const { follower, print } of followers)
        for (const line of await follower.poll()) if (line !== "") print(line);
    }
  });
}

function parseSince(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match) return Date.now() - Number(match[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[match[2] as "s"];
  const date = Date.parse(text);
  return Number.isNaN(date) ? 0 : date;
}

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { openState } from "../../state/index.js";
import { slipwayPaths } from "../../state/paths.js";
import { type LogSource, labelOf, logSources } from "../log-sources.js";
import { addManifestOptions, type ManifestFlags } from "../manifest-options.js";
import { chosenProject } from "../project-choice.js";
import type { Output } from "../report.js";

interface LogFlags extends ManifestFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
}

/**
 * Instance logs are plain files the processes write directly (they survive the agent), so `logs`
 * reads them itself from the state directory; it works while the agent is down.
 */
export function registerLogs(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("logs [service]")
      .description("print the captured stdout/stderr of a service's instances (or all)")
      .option("-f, --follow", "keep printing new lines")
      .option("-n, --tail <lines>", "only the last N lines of each instance", "100")
      .option("--since <time>", "only instances started since this time (ISO date or a duration like 10m)"),
    { shortFile: false },
  ).action(async (service: string | undefined, flags: LogFlags) => {
    const project = chosenProject(flags, output);
    const paths = slipwayPaths();
    const store = openState(paths.stateDb);
    const since = flags.since ? parseSince(flags.since) : 0;
    let sources: LogSource[];
    try {
      sources = logSources(store, paths, project, service, since);
    } finally {
      store.close();
    }
    const tail = Number(flags.tail ?? 100);
    const offsets = new Map<string, number>();
    for (const source of sources) {
      for (const stream of ["stdout", "stderr"] as const) {
        const file = join(source.dir, `${stream}.log`);
        if (!existsSync(file)) continue;
        const text = readFileSync(file, "utf8");
        offsets.set(file, Buffer.byteLength(text));
        const lines = text.split("\n").filter(Boolean).slice(-tail);
        for (const line of lines)
          output.stdout(
            flags.json
              ? `${JSON.stringify({ instance: source.id, stream, line })}\n`
              : `${source.label} | ${line}\n`,
          );
      }
    }
    while (flags.follow) {
      await new Promise((r) => setTimeout(r, 250));
      for (const [file, offset] of offsets) {
        const size = existsSync(file) ? statSync(file).size : 0;
        if (size < offset) offsets.set(file, 0);
        if (size <= offset) continue;
        const fresh = readFileSync(file).subarray(offset).toString("utf8");
        offsets.set(file, size);
        const name = labelOf(project, file.split("/").slice(-2, -1)[0]!);
        for (const line of fresh.split("\n").filter(Boolean)) output.stdout(`${name} | ${line}\n`);
      }
    }
  });
}

function parseSince(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match) return Date.now() - Number(match[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[match[2] as "s"];
  const date = Date.parse(text);
  return Number.isNaN(date) ? 0 : date;
}

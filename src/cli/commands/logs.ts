import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { PsResult } from "../../agent/api.js";
import { AgentClient } from "../../agent/client.js";
import { InputError } from "../../errors.js";
import { readStreamFiles } from "../../observe/logs/files.js";
import { LogPrinter } from "../../observe/logs/format.js";
import {
  type KnownInstances,
  knownFromState,
  type LogSource,
  logSources,
} from "../../observe/logs/sources.js";
import {
  estimateTimes,
  keepLine,
  type LineFilter,
  mergeByTime,
  type TimedLine,
} from "../../observe/logs/timeline.js";
import { type SlipwayPaths, slipwayPaths } from "../../state/paths.js";
import { LogFollower } from "../../targets/process/log-tail.js";
import { printEngineLogs } from "../engine-logs.js";
import { addContextOption, type ContextFlags, kubernetesLogs, kubernetesSpec } from "../kubernetes.js";
import { addManifestOptions } from "../manifest-options.js";
import { chosenProject } from "../project-choice.js";
import type { Output } from "../report.js";

interface LogFlags extends ContextFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  grep?: string;
}

const STREAMS = ["stdout", "stderr"] as const;
/** How often `-f` looks for new lines, and for instances a deploy started meanwhile. */
const POLL_MS = 200;
const RESCAN_MS = 2000;

interface Followed {
  readonly follower: LogFollower;
  readonly label: Pick<TimedLine, "service" | "instance" | "stream">;
}

/**
 * Instance logs are plain files the processes write directly (they survive the agent), so `logs`
 * reads them itself from the state directory; it works while the agent is down. Every service's
 * instances (or one service's) are read across rotations (`stdout.log.2`, `.1`, then the current
 * file), interleaved by time and prefixed by instance; `-f` follows them, and instances a deploy
 * starts meanwhile. Files hold no per-line times: older lines are placed by their files' times.
 */
export function registerLogs(program: Command, output: Output): void {
  const command = addManifestOptions(
    program
      .command("logs [service]")
      .description(
        "print the captured stdout/stderr of every service's instances (or one service's), by time",
      )
      .option("-f, --follow", "keep printing new lines")
      .option(
        "-n, --tail <lines>",
        "only the last N lines of each instance and stream (`all`: every line kept)",
        "100",
      )
      .option(
        "--since <time>",
        "only lines since this time (ISO date, or a duration like 10m for that long ago)",
      )
      .option(
        "--until <time>",
        "only lines until this time (ISO date, or a duration like 5m for that long ago)",
      )
      .option("--grep <regexp>", "only lines matching this regular expression"),
    { shortFile: false },
  );
  addContextOption(command).action(async (service: string | undefined, flags: LogFlags) => {
    const kubernetes = await kubernetesSpec(flags, output);
    if (kubernetes) return kubernetesLogs(kubernetes, service, flags, output);
    const project = await chosenProject(flags, output);
    const paths = slipwayPaths();
    const filter: LineFilter = {
      since: flags.since ? parseTime(flags.since, "--since") : undefined,
      until: flags.until ? parseTime(flags.until, "--until") : undefined,
      grep: flags.grep === undefined ? undefined : parseGrep(flags.grep),
    };
    const tail = flags.tail === "all" ? undefined : Number(flags.tail ?? 100);
    // An orchestrated project's (swarm) services write to the engine: read through its API.
    const engine = { project, service, tail: tail ?? 10_000, follow: flags.follow === true, filter };
    if (await printEngineLogs(paths, { ...engine, json: flags.json === true }, output)) return;
    // Instances, and the latest run of each job (its output has no instance to find it by).
    const instancesNow = async () =>
      logSources(await knownInstances(paths, project), paths, project, service, 0);
    let instances = await instancesNow();
    const printer = new LogPrinter({
      json: flags.json === true,
      colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
      width: Math.max(0, ...instances.map((i) => i.label.length)),
    });
    const history: TimedLine[][] = [];
    const followed: Followed[] = [];
    for (const instance of instances) {
      for (const stream of STREAMS) {
        const { lines, follower } = await readHistory(instance, stream, tail);
        history.push(lines);
        followed.push({
          follower,
          label: { service: instance.service, instance: instance.label, stream },
        });
      }
    }
    for (const line of mergeByTime(history)) if (keepLine(line, filter)) output.stdout(printer.format(line));
    if (!flags.follow) return;
    const known = new Set(instances.map((i) => i.id));
    for (let round = 1; ; round++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (round % (RESCAN_MS / POLL_MS) === 0) {
        instances = await instancesNow();
        for (const instance of instances.filter((i) => !known.has(i.id))) {
          known.add(instance.id);
          for (const stream of STREAMS)
            followed.push({
              follower: new LogFollower(instance.dir, stream, {
                offset: 0,
                rotatedInode: undefined,
              }),
              label: { service: instance.service, instance: instance.label, stream },
            });
        }
      }
      const ts = Date.now();
      for (const { follower, label } of followed)
        for (const text of await follower.poll()) {
          const line = { ...label, ts, line: text };
          if (keepLine(line, filter)) output.stdout(printer.format(line));
        }
    }
  });
}

async function readHistory(
  instance: LogSource,
  stream: "stdout" | "stderr",
  tail: number | undefined,
): Promise<{ lines: TimedLine[]; follower: LogFollower }> {
  const { dir } = instance;
  const { files, currentLength, rotatedInode } = await readStreamFiles(dir, stream);
  let timed = estimateTimes(files, instance.startedAt);
  if (tail !== undefined) timed = tail <= 0 ? [] : timed.slice(-tail);
  const label = { service: instance.service, instance: instance.label, stream };
  return {
    lines: timed.map(({ ts, line }) => ({ ...label, ts, line })),
    follower: new LogFollower(dir, stream, { offset: currentLength, rotatedInode }),
  };
}

/** An ISO date, or a duration (`90s`, `10m`, `2h`, `1d`) meaning that long ago. */
export function parseTime(text: string, flag: string, now = Date.now()): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match) return now - Number(match[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[match[2] as "s"];
  const date = Date.parse(text);
  if (Number.isNaN(date))
    throw new InputError({
      code: "E_CLI_USAGE",
      message: `${flag} takes an ISO date or a duration such as 10m, not "${text}"`,
      hint: `${flag} 2026-01-31T12:00:00Z or ${flag} 30m`,
    });
  return date;
}

function parseGrep(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new InputError({
      code: "E_CLI_USAGE",
      message: `--grep ${pattern}: ${(error as Error).message}`,
      hint: "a JavaScript regular expression, e.g. --grep 'error|warn'",
    });
  }
}

/**
 * What runs: asked of the agent when one answers (no SQLite to open, so `logs` starts fast), else
 * read from state, so `logs` also works while the agent is down.
 */
async function knownInstances(paths: SlipwayPaths, project: string): Promise<KnownInstances> {
  if (existsSync(paths.socket)) {
    const ps = await new AgentClient(paths)
      .call<PsResult>("GET", `/v1/ps?project=${encodeURIComponent(project)}`)
      .catch(() => undefined);
    if (ps) return { instances: ps.instances, services: ps.services.map((s) => s.name) };
  }
  const { openState } = await import("../../state/index.js");
  const store = openState(paths.stateDb);
  try {
    return knownFromState(store, project);
  } finally {
    store.close();
  }
}

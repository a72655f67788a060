import { existsSync } from "node:fs";
import type { EngineLogs } from "../agent/api.js";
import { AgentClient } from "../agent/client.js";
import { LogPrinter } from "../observe/logs/format.js";
import { keepLine, type LineFilter, type TimedLine } from "../observe/logs/timeline.js";
import type { SlipwayPaths } from "../state/paths.js";
import type { Output } from "./report.js";

/** How `slipway logs` was asked to print an orchestrated project's logs. */
export interface EngineLogRequest {
  readonly project: string;
  readonly service: string | undefined;
  readonly tail: number;
  readonly follow: boolean;
  readonly json: boolean;
  readonly filter: LineFilter;
}

/**
 * Prints an orchestrated project's (swarm) logs as the engine has them; false when the project is not
 * orchestrated (its logs are files). With `follow`, the agent follows the services' logs through the
 * engine and streams each line as it comes, prefixed by instance like the other targets'
 * (`web-1 | …`), until the services are gone or the command is interrupted.
 */
export async function printEngineLogs(
  paths: SlipwayPaths,
  request: EngineLogRequest,
  output: Output,
): Promise<boolean> {
  if (!existsSync(paths.socket)) return false;
  const { project, service } = request;
  const query = (tail: number) =>
    new URLSearchParams({ project, tail: String(tail), ...(service ? { service } : {}) });
  const client = new AgentClient(paths);
  const logs = await client
    .call<EngineLogs>("GET", `/v1/engine-logs?${query(request.follow ? 0 : request.tail)}`)
    .catch(() => undefined);
  if (!logs?.orchestrated) return false;
  if (!request.follow) {
    for (const entry of logs.services)
      for (const line of entry.lines) output.stdout(`${entry.service} | ${line}\n`);
    return true;
  }
  const printer = new LogPrinter({
    json: request.json,
    colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
    width: Math.max(0, ...logs.services.map((s) => s.service.length + 2)),
  });
  for await (const line of client.stream<TimedLine>("GET", `/v1/engine-logs/follow?${query(request.tail)}`))
    if (keepLine(line, request.filter)) output.stdout(printer.format(line));
  return true;
}

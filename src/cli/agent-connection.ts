import type { AgentClient } from "../agent/client.js";
import { startAgentDaemon } from "../agent/client.js";
import { slipwayPaths } from "../state/paths.js";
import { loadProject, type ManifestFlags } from "./manifest-options.js";
import type { Output } from "./report.js";

/** The agent of this machine (`SLIPWAY_HOME`), started in the background when it is not running. */
export function connectAgent(): Promise<AgentClient> {
  return startAgentDaemon(slipwayPaths());
}

/** The project a command is about: `-p NAME`, else the name of the Compose project in this directory. */
export function projectName(flags: ManifestFlags, output: Output): string {
  return flags.projectName ?? loadProject(flags, output).spec.name;
}

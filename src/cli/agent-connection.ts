import type { AgentClient } from "../agent/client.js";
import { startAgentDaemon } from "../agent/client.js";
import { slipwayPaths } from "../state/paths.js";
import { loadProject, type ManifestFlags } from "./manifest-options.js";
import type { Output } from "./report.js";

/** The agent of this machine (`SLIPWAY_HOME`), started in the background when it is not running. */
export function connectAgent(): Promise<AgentClient> {
  return startAgentDaemon(slipwayPaths());
}

/**
 * The project a command is about: `-p NAME`, else the name the loader would give the Compose
 * project here (`COMPOSE_PROJECT_NAME`, the files' `name:`, the directory), worked out without
 * loading the whole manifest; a name that is not valid, or no file, takes the full load (and its errors).
 */
export async function projectName(flags: ManifestFlags, output: Output): Promise<string> {
  if (flags.projectName) return flags.projectName;
  const { quickProjectName } = await import("../manifest/project-name.js");
  const quick = quickProjectName({
    files: flags.file ?? [],
    envFiles: flags.envFile ?? [],
    projectDirectory: flags.projectDirectory,
  });
  return quick ?? (await loadProject(flags, output)).spec.name;
}

import { existsSync } from "node:fs";
import { InputError, SlipwayError } from "../errors.js";
import { slipwayPaths } from "../state/paths.js";
import { projectName } from "./agent-connection.js";
import type { ManifestFlags } from "./manifest-options.js";
import type { Output } from "./report.js";

/** The projects this home knows (deployed at least once), read from state without the agent. */
async function knownProjects(): Promise<string[]> {
  const paths = slipwayPaths();
  if (!existsSync(paths.stateDb)) return [];
  const { openState } = await import("../state/index.js");
  const store = openState(paths.stateDb);
  try {
    return JSON.parse(store.getMeta("projects") ?? "[]") as string[];
  } finally {
    store.close();
  }
}

/**
 * The project a read-only command (`ps`, `logs`, `releases`) is about: `-p NAME`, else the Compose
 * project of this directory, else the only project this home knows; with several, the error lists them.
 */
export async function chosenProject(flags: ManifestFlags, output: Output): Promise<string> {
  if (flags.projectName) return flags.projectName;
  try {
    return await projectName(flags, output);
  } catch (error) {
    const notFound = error instanceof SlipwayError && error.code === "E_MANIFEST_NOT_FOUND";
    if (!notFound || (flags.file ?? []).length > 0) throw error;
  }
  const projects = await knownProjects();
  if (projects.length === 1) return projects[0]!;
  throw new InputError({
    code: "E_PROJECT_UNKNOWN",
    message:
      projects.length === 0
        ? "no Compose file here, and nothing was deployed from this home yet"
        : `no Compose file here, and this home has several projects: ${projects.join(", ")}`,
    hint:
      projects.length === 0
        ? "run it where compose.yaml is, or pass -f FILE"
        : `name one with -p, e.g. \`-p ${projects[0]}\``,
  });
}

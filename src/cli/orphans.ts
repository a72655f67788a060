import type { OrphanView, PsResult } from "../agent/api.js";
import type { AgentClient } from "../agent/client.js";
import type { Output } from "./report.js";

export const REMOVE_ORPHANS_FLAG = "--remove-orphans";
export const REMOVE_ORPHANS_HELP =
  "also stop and remove what runs under the project's name but no release knows (see `slipway ps`)";

const describe = (orphan: OrphanView) =>
  `${orphan.name} (${orphan.ref}, ${orphan.state}${orphan.service ? `, service ${orphan.service}` : ""}${orphan.release ? `, release ${orphan.release}` : ""})`;

/** `--remove-orphans`: asks the agent to remove the project's orphans and says what went. */
export async function removeOrphans(
  client: AgentClient,
  project: string,
  output: Output,
  json: boolean,
): Promise<void> {
  const { removed } = await client.call<{ removed: readonly OrphanView[] }>("POST", "/v1/orphans/remove", {
    project,
  });
  if (json) output.stdout(`${JSON.stringify({ project, removedOrphans: removed })}\n`);
  else for (const orphan of removed) output.stdout(`removed orphan ${describe(orphan)}\n`);
}

/** The `ps` lines about orphans: each one, and how to remove them; or why none could be looked for. */
export function orphanLines(ps: PsResult): string[] {
  if (ps.orphansUnknown) return [`orphans: not known (${ps.orphansUnknown})`];
  const orphans = ps.orphans ?? [];
  if (orphans.length === 0) return [];
  return [
    `orphans (no release of ${ps.project} knows them; \`slipway deploy ${REMOVE_ORPHANS_FLAG}\` or \`down ${REMOVE_ORPHANS_FLAG}\` removes them):`,
    ...orphans.map((orphan) => `  ${describe(orphan)}`),
  ];
}

import type Dockerode from "dockerode";
import type { KnownInstances, Orphan } from "../target.js";
import { LABEL } from "./labels.js";

type Listed = Dockerode.ContainerInfo;

/**
 * Whether slipway's state accounts for a container of the project: a known instance, a job of a
 * known release still running (a migration, a scheduled run), or an exited container of a known
 * release kept for its logs. Anything else — a container made by `docker compose` under the same
 * project name, one of a release the state does not have, a running instance the state forgot —
 * is an orphan.
 */
function accountedFor(container: Listed, known: KnownInstances): boolean {
  const labels = container.Labels ?? {};
  const instance = labels[LABEL.instance];
  const release = labels[LABEL.release];
  if (!instance || !release || !known.releases.has(release)) return false;
  if (known.instances.has(instance)) return true;
  return labels[LABEL.kind] === "job" || container.State !== "running";
}

const orphanOf = (container: Listed): Orphan => ({
  name: (container.Names[0] ?? container.Id).replace(/^\//, ""),
  ref: container.Id.slice(0, 12),
  service: container.Labels?.[LABEL.service] ?? "",
  release: container.Labels?.[LABEL.release],
  state: container.State,
});

/** The project's containers (by Compose's project label) that `known` does not account for. */
export async function findOrphans(
  docker: Dockerode,
  project: string,
  known: KnownInstances,
): Promise<Orphan[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.project}=${project}`] },
  });
  return containers
    .filter((container) => !accountedFor(container, known))
    .map(orphanOf)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Stops (SIGTERM, then SIGKILL after `graceSeconds`) and removes the project's orphans; named volumes stay. */
export async function removeOrphans(
  docker: Dockerode,
  project: string,
  known: KnownInstances,
  graceSeconds = 10,
): Promise<Orphan[]> {
  const orphans = await findOrphans(docker, project, known);
  await Promise.all(
    orphans.map(async (orphan) => {
      const container = docker.getContainer(orphan.ref);
      if (orphan.state === "running") await container.stop({ t: graceSeconds }).catch(() => {});
      await container.remove({ force: true });
    }),
  );
  return orphans;
}

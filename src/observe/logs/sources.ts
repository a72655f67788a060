import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../../errors.js";
import { decodeRelease } from "../../release/content.js";
import type { StateStore } from "../../state/index.js";
import type { SlipwayPaths } from "../../state/paths.js";

/** One instance's or job's log directory, with the label its lines are printed under. */
export interface LogSource {
  readonly id: string;
  readonly service: string;
  /** `api-1` for instance 0 of api (as Compose names containers), `migrate-migrate` for a job. */
  readonly label: string;
  readonly dir: string;
  readonly startedAt: number;
}

/** `project.service.release.index[.kind]` → its parts; undefined for a name that is not one. */
function parseLogDirName(project: string, name: string) {
  if (!name.startsWith(`${project}.`)) return undefined;
  const match = /^(.+)\.([^.]+)\.(\d+)(?:\.([a-z-]+))?$/.exec(name.slice(project.length + 1));
  if (!match) return undefined;
  const [, service, , index, kind] = match;
  return { service: service!, kind, label: kind ? `${service}-${kind}` : `${service}-${Number(index) + 1}` };
}

/** The label of a log directory's lines (`follow` knows only the file). */
export const labelOf = (project: string, dirName: string) =>
  parseLogDirName(project, dirName)?.label ?? dirName;

/** What runs for a project (from the agent, or from state while it is down), and its services. */
export interface KnownInstances {
  readonly instances: readonly {
    readonly id: string;
    readonly service: string;
    readonly startedAt: number;
  }[];
  readonly services: readonly string[];
}

/** What state says runs, and the active release's services: for when no agent answers. */
export function knownFromState(store: StateStore, project: string): KnownInstances {
  const active = store.activeRelease(project);
  return {
    instances: store.listInstances(project),
    services: active ? Object.keys(decodeRelease(active.spec).spec.services) : [],
  };
}

/**
 * What `logs` prints: the service's current instances, and the latest run of each of its jobs
 * (migrations, scheduled runs, `slipway run`), whose output has no instance record to find it by.
 * An unknown service is an error that lists the known ones.
 */
export function logSources(
  known: KnownInstances,
  paths: SlipwayPaths,
  project: string,
  service: string | undefined,
  since: number,
): LogSource[] {
  const current = known.instances.filter((i) => !service || i.service === service);
  const sources: LogSource[] = current.map((i) => ({
    id: i.id,
    service: i.service,
    label: labelOf(project, i.id),
    dir: paths.logs(project, i.id),
    startedAt: i.startedAt,
  }));
  // The project's log directory: where every instance's and job's own directory is.
  const root = dirname(paths.logs(project, "x"));
  const latestJob = new Map<string, LogSource>();
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const parsed = parseLogDirName(project, name);
    if (!parsed?.kind) continue;
    if (service && parsed.service !== service) continue;
    const dir = paths.logs(project, name);
    const startedAt = statSync(dir).mtimeMs;
    const previous = latestJob.get(parsed.label);
    if (!previous || previous.startedAt < startedAt)
      latestJob.set(parsed.label, { id: name, service: parsed.service, label: parsed.label, dir, startedAt });
  }
  sources.push(...latestJob.values());
  if (service && sources.length === 0) {
    const services = known.services;
    if (!services.includes(service))
      throw new InputError({
        code: "E_SERVICE_NOT_FOUND",
        message: `${project} has no service ${service}`,
        hint: services.length > 0 ? `services: ${services.join(", ")}` : "deploy the project first",
      });
  }
  return sources.filter((s) => s.startedAt >= since);
}

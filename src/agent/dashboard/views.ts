import { readProcUsage } from "../../host/proc-usage.js";
import { readStreamFiles } from "../../observe/logs/files.js";
import { knownFromState, logSources } from "../../observe/logs/sources.js";
import { estimateTimes, mergeByTime, type TimedLine } from "../../observe/logs/timeline.js";
import { MAINTENANCE_KEY, maintenanceOf } from "../../router/control/maintenance.js";
import type { Agent } from "../agent.js";

/** One instance as the dashboard shows it: its state (health), release, uptime, restarts, CPU and memory. */
export interface InstanceFigures {
  readonly id: string;
  readonly service: string;
  readonly release: string;
  readonly state: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly restarts: number;
  /** CPU time used so far (the page turns two readings into a percentage); null without a process here. */
  readonly cpuSeconds: number | null;
  readonly rssBytes: number | null;
}

export interface ProjectOverview {
  readonly project: string;
  readonly release: string | null;
  readonly releaseNumber: number | null;
  readonly down: boolean;
  readonly services: readonly string[];
  readonly instances: readonly InstanceFigures[];
  /** Whether a deploy is running now. */
  readonly deploying: boolean;
}

function instanceFigures(agent: Agent, project: string): InstanceFigures[] {
  return agent.store.listInstances(project).map((i) => {
    const usage = readProcUsage(i.pid);
    return {
      id: i.id,
      service: i.service,
      release: i.releaseId,
      state: i.state,
      pid: i.pid,
      startedAt: i.startedAt,
      restarts: i.restarts,
      cpuSeconds: usage?.cpuSeconds ?? null,
      rssBytes: usage?.rssBytes ?? null,
    };
  });
}

/** The overview page: every project with its services and instances, and whether maintenance is on. */
export function overview(agent: Agent): { projects: ProjectOverview[]; maintenance: boolean; now: number } {
  const projects = agent.specs.projects().map((project) => {
    const active = agent.store.activeRelease(project);
    return {
      project,
      release: active?.id ?? null,
      releaseNumber: active?.number ?? null,
      down: agent.specs.isDown(project),
      services: Object.keys(agent.specs.spec(project)?.services ?? {}),
      instances: instanceFigures(agent, project),
      deploying: agent.store.listDeploys(project, 1).some((d) => d.status === "running"),
    };
  });
  return {
    projects,
    maintenance: maintenanceOf(agent.store.getMeta(MAINTENANCE_KEY)) !== undefined,
    now: Date.now(),
  };
}

/** The router's request and error counts per version of a routed service (none when it is not routed). */
export async function serviceTraffic(agent: Agent, project: string, service: string) {
  return agent.traffic.measure(project, service).catch(() => ({}));
}

/** The newest `count` lines of a service's logs (both streams, every instance and latest job), secrets redacted. */
export async function logTail(
  agent: Agent,
  project: string,
  service: string,
  count: number,
): Promise<TimedLine[]> {
  const sources = logSources(knownFromState(agent.store, project), agent.paths, project, service, 0);
  const streams: TimedLine[][] = [];
  for (const source of sources)
    for (const stream of ["stdout", "stderr"] as const) {
      const { files } = await readStreamFiles(source.dir, stream);
      const timed = estimateTimes(files, source.startedAt).slice(-count);
      streams.push(
        timed.map(({ ts, line }) => ({
          ts,
          service: source.service,
          instance: source.label,
          stream,
          line: agent.redactor.redact(line),
        })),
      );
    }
  return mergeByTime(streams).slice(-count);
}

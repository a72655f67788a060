import type { AppSpec } from "../manifest/model.js";
import { freePort } from "../network/ports.js";
import type { ServiceArtifact } from "../release/build.js";
import type { JobKind } from "../state/index.js";
import type { ExecResult } from "../targets/target.js";
import { instanceRequest } from "./instances.js";
import type { DeployRuntime } from "./runtime.js";

/**
 * Runs a service once to completion from a release (a one-shot service, a migration, a schedule,
 * `slipway run`), recording the run and its exit code. `command` replaces the service's own command.
 */
export async function runServiceJob(
  rt: DeployRuntime,
  app: AppSpec,
  service: string,
  artifact: ServiceArtifact,
  release: string,
  kind: JobKind,
  options: { command?: readonly string[] | undefined; timeoutMs?: number | undefined } = {},
): Promise<ExecResult> {
  const port = await freePort();
  const base = instanceRequest(app, service, artifact, release, 0, port);
  const request = { ...base, id: `${base.id}.${kind}`, kind: "job", command: options.command } as const;
  const run = rt.store.startJobRun({ project: app.name, service, releaseId: release, kind });
  let result: ExecResult;
  try {
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const orchestrator = rt.orchestrator?.(app);
    const registry = app["x-slipway"].registry;
    const push = registry
      ? {
          registry,
          onProgress: (detail: string) => rt.emit({ type: "service", service, phase: "pushing", detail }),
        }
      : undefined;
    result = orchestrator
      ? await orchestrator.runJob(request, timeoutMs, push)
      : await rt.target.runJob(request, timeoutMs);
  } catch (error) {
    rt.store.finishJobRun(run.id, { exitCode: null, outputTail: (error as Error).message });
    throw error;
  }
  rt.store.finishJobRun(run.id, { exitCode: result.exitCode, outputTail: result.output.slice(-4000) });
  return result;
}

/**
 * Ends the job runs a previous agent left open, without an exit code: a job's result goes to the
 * agent that started it, so it was lost with that agent — and an open schedule run would keep its
 * schedule from ever running again.
 */
export function closeInterruptedJobRuns(
  rt: DeployRuntime,
  project: string,
  services: readonly string[],
): void {
  for (const service of services) {
    for (const kind of ["schedule", "migrate", "run"] as const) {
      let run = rt.store.runningJobRun(project, service, kind);
      while (run) {
        rt.store.finishJobRun(run.id, {
          exitCode: null,
          outputTail: "interrupted: the agent stopped during this run",
        });
        run = rt.store.runningJobRun(project, service, kind);
      }
    }
  }
}

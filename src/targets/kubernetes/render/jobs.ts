import type { AppSpec, ServiceSpec } from "../../../manifest/model.js";
import type { KubeObject, RenderContext } from "./model.js";
import { kubeName, metadata, suffixed } from "./names.js";
import { containerOf, podTemplate } from "./pod.js";

/** Annotation that marks a Job as a migration of the release (the deployer runs and waits for these first). */
export const ROLE_ANNOTATION = "slipway.dev/role";

/** Runs once per release rather than staying up (as plan/ decides it): a `*-job` mode, or others wait for its success. */
export function isOneShot(app: AppSpec, service: ServiceSpec): boolean {
  if (service.deploy.mode.endsWith("-job")) return true;
  return Object.values(app.services).some(
    (other) => other.depends_on[service.name]?.condition === "service_completed_successfully",
  );
}

function jobSpec(
  ctx: RenderContext,
  service: ServiceSpec,
  command: readonly string[] | undefined,
  deadlineMs: number | undefined,
): Record<string, unknown> {
  const { container, volumes } = containerOf(ctx, service, { command, probes: false });
  return {
    backoffLimit: 0,
    ...(deadlineMs ? { activeDeadlineSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)) } : {}),
    template: podTemplate(ctx, service, {
      restartPolicy: "Never",
      containers: [container],
      ...(volumes.length > 0 ? { volumes } : {}),
    }),
  };
}

/**
 * The release's migration Jobs, named after the release so each release migrates once: a one-shot
 * service (`migrate` that others wait for) runs as itself; `x-slipway.migrate` runs its command with
 * the service's new image. Finished Jobs are kept a day for their logs.
 */
export function migrationJobsOf(ctx: RenderContext, service: ServiceSpec): KubeObject[] {
  const app = ctx.release.spec;
  const migrate = service["x-slipway"].migrate;
  const jobs: [string, readonly string[] | undefined, number | undefined][] = [];
  if (isOneShot(app, service))
    jobs.push([service.name, undefined, ctx.settings.progressDeadlineSeconds * 1000]);
  else if (migrate) jobs.push([`${service.name}-migrate`, migrate.command, migrate.timeout.ms]);
  return jobs.map(([base, command, deadline]) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(ctx, suffixed(base, ctx.release.id), service, { [ROLE_ANNOTATION]: "migration" }),
    spec: { ttlSecondsAfterFinished: 86_400, ...jobSpec(ctx, service, command, deadline) },
  }));
}

/** A CronJob for `x-slipway.schedule`; a run never overlaps the one before (`concurrencyPolicy: Forbid`). */
export function cronJobOf(ctx: RenderContext, service: ServiceSpec): KubeObject {
  const schedule = service["x-slipway"].schedule!;
  if (schedule.cron.trim().split(/\s+/).length === 6)
    ctx.warn(`${service.name}: schedule "${schedule.cron}" has seconds, which a CronJob cannot express`);
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    // A CronJob's name has at most 52 characters: its Jobs append 11.
    metadata: metadata(ctx, kubeName(service.name).slice(0, 52).replace(/-+$/, ""), service),
    spec: {
      schedule: schedule.cron,
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: jobSpec(ctx, service, undefined, schedule.timeout?.ms) },
    },
  };
}

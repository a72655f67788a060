import type { ServiceSpec } from "../../../manifest/model.js";

/** Whole seconds, at least `min` (probe fields are integers; Compose durations are milliseconds). */
const seconds = (ms: number | undefined, fallback: number, min = 1): number =>
  Math.max(min, Math.ceil((ms ?? fallback * 1000) / 1000));

/** The exec action of a Compose healthcheck `test`, or undefined when there is none (`NONE`, disabled). */
function execAction(service: ServiceSpec): { command: string[] } | undefined {
  const health = service.healthcheck;
  const test = health?.test;
  if (!health || health.disable || !test || test[0] === "NONE" || test.length < 2) return undefined;
  return test[0] === "CMD-SHELL"
    ? { command: ["/bin/sh", "-c", test.slice(1).join(" ")] }
    : { command: test.slice(1) };
}

/**
 * Readiness, liveness and startup probes from the Compose `healthcheck`: the same command, run as
 * Compose runs it (interval → period, timeout, retries → failure threshold); `start_period` becomes a
 * startup probe polled every `start_interval`, so a slow start is not counted against liveness.
 */
export function probesOf(service: ServiceSpec): Record<string, unknown> {
  const exec = execAction(service);
  const health = service.healthcheck;
  if (!exec || !health) return {};
  const probe = {
    exec,
    periodSeconds: seconds(health.interval?.ms, 30),
    timeoutSeconds: seconds(health.timeout?.ms, 30),
    failureThreshold: Math.max(1, health.retries ?? 3),
  };
  const startPeriod = health.start_period?.ms ?? 0;
  const startInterval = seconds(health.start_interval?.ms, 5);
  return {
    readinessProbe: probe,
    livenessProbe: probe,
    ...(startPeriod > 0
      ? {
          startupProbe: {
            exec,
            periodSeconds: startInterval,
            timeoutSeconds: probe.timeoutSeconds,
            failureThreshold: Math.ceil(startPeriod / 1000 / startInterval) + probe.failureThreshold,
          },
        }
      : {}),
  };
}

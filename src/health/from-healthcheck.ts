import type { ServiceSpec } from "../manifest/model.js";
import { DEFAULT_HEALTH_CONFIG as DEFAULTS, type HealthConfig } from "./config.js";
import type { Probe } from "./probe.js";

/** A service's Compose `healthcheck`, as the manifest stage normalized it. */
export type ComposeHealthcheck = NonNullable<ServiceSpec["healthcheck"]>;

/**
 * The probe a Compose healthcheck describes: `CMD a b` runs `a b`, `CMD-SHELL x` runs `/bin/sh -c x`.
 * Undefined when there is nothing to run: no healthcheck, no `test`, `NONE`, or `disable: true`.
 */
export function probeFromHealthcheck(healthcheck: ComposeHealthcheck | undefined): Probe | undefined {
  if (!healthcheck || healthcheck.disable) return undefined;
  const [form, ...args] = healthcheck.test ?? [];
  switch (form) {
    case "CMD":
      return { kind: "exec", argv: args };
    case "CMD-SHELL":
      // Like Docker: extra elements become the shell's positional parameters ($0, $1 …).
      return { kind: "exec", argv: ["/bin/sh", "-c", ...args] };
    default:
      return undefined;
  }
}

/** Timing of a Compose healthcheck; unset or zero durations and retries take Docker's defaults. */
export function healthConfigFromHealthcheck(healthcheck: ComposeHealthcheck | undefined): HealthConfig {
  const orDefault = (value: number | undefined, fallback: number): number =>
    value === undefined || value <= 0 ? fallback : value;
  return {
    intervalMs: orDefault(healthcheck?.interval?.ms, DEFAULTS.intervalMs),
    timeoutMs: orDefault(healthcheck?.timeout?.ms, DEFAULTS.timeoutMs),
    retries: orDefault(healthcheck?.retries, DEFAULTS.retries),
    startPeriodMs: healthcheck?.start_period?.ms ?? DEFAULTS.startPeriodMs,
    startIntervalMs: orDefault(healthcheck?.start_interval?.ms, DEFAULTS.startIntervalMs),
  };
}

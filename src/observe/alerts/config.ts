import { Duration } from "../../manifest/duration.js";
import type { AppSpec } from "../../manifest/model.js";

/** A project's `x-slipway.alerts` as loaded. */
export type AlertsConfig = NonNullable<AppSpec["x-slipway"]["alerts"]>;

/**
 * Every default (the schema's, `schema/alerts.ts`; config.test.ts checks they agree): the built-in
 * rules with no channel. Written out rather than parsed, so an agent without projects never loads zod.
 */
const DEFAULTS: AlertsConfig = {
  interval: new Duration(15_000),
  repeat: new Duration(4 * 3_600_000),
  retry_backoff: new Duration(2_000),
  certificate_days: 14,
  disk_percent: 90,
  backup_grace: new Duration(3_600_000),
  error_rate: { percent: 5, window: new Duration(300_000), min_requests: 20 },
  latency_p95: { ms: 1000, window: new Duration(300_000), min_requests: 20 },
  disabled: [],
  channels: {},
};

/** The project's alerts settings, defaults filled in when it writes none. */
export function alertsOf(spec: AppSpec): AlertsConfig {
  return spec["x-slipway"].alerts ?? DEFAULTS;
}

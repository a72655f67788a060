import type { AppSpec } from "../../manifest/model.js";
import { alerts } from "../../manifest/schema/alerts.js";

/** A project's `x-slipway.alerts` as loaded. */
export type AlertsConfig = NonNullable<AppSpec["x-slipway"]["alerts"]>;

/** Every default: the built-in rules with no channel. */
const DEFAULTS = alerts.parse({}) as AlertsConfig;

/** The project's alerts settings, defaults filled in when it writes none. */
export function alertsOf(spec: AppSpec): AlertsConfig {
  return spec["x-slipway"].alerts ?? DEFAULTS;
}

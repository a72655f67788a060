import type { DashboardSettings } from "./schema/observe.js";

/**
 * A project's dashboard settings. A release stored before the object form holds the address as a
 * plain string; it reads as `{listen}`. Apart from the zod schema, so an idle agent reads them
 * without loading zod.
 */
export function dashboardSettings(
  observed: { readonly dashboard?: DashboardSettings | string | undefined } | undefined,
): DashboardSettings | undefined {
  const dashboard = observed?.dashboard;
  return typeof dashboard === "string" ? { listen: dashboard, tls: "auto" } : dashboard;
}

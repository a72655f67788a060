import type { AppSpec } from "./model.js";
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

/** A domain an HTTP or static route of a spec answers for (lower case), and where the route is. */
export interface RoutedDomain {
  readonly domain: string;
  readonly service: string;
  readonly route: number;
  readonly index: number;
}

/**
 * Every domain the spec's HTTP and static routes answer for: what the published dashboard's host
 * must not be (`E_CHECK_DASHBOARD_HOST` in `slipway check`, `E_DASHBOARD_HOST_TAKEN` at deploy).
 */
export function routedDomains(spec: AppSpec): RoutedDomain[] {
  return Object.values(spec.services).flatMap((service) =>
    service["x-slipway"].routes.flatMap((route, routeIndex) =>
      route.protocol === "tcp"
        ? []
        : route.domains.map((domain, index) => ({
            domain: domain.toLowerCase(),
            service: service.name,
            route: routeIndex,
            index,
          })),
    ),
  );
}

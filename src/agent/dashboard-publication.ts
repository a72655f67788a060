import { SlipwayError } from "../errors.js";
import { dashboardSettings, routedDomains } from "../manifest/dashboard-settings.js";
import type { AppSpec } from "../manifest/model.js";
import type { ReservedRoute, ReservedTls } from "../router/control/reserved-routes.js";

/** The dashboard as the router publishes it: which project owns it, on which host, at which origin. */
export interface DashboardPublication {
  /** The project whose manifest sets `x-slipway.observe.dashboard.host`; its router and TLS settings apply. */
  readonly project: string;
  readonly host: string;
  readonly tls: ReservedTls;
  /** `https://HOST` (with `:PORT` when the owner's `router.https_port` is not 443): what browsers send as Origin. */
  readonly origin: string;
}

/** The route id of the published dashboard. */
export const dashboardRouteId = (project: string) => `${project}/@dashboard`;

function publicationOf(spec: AppSpec): DashboardPublication | undefined {
  const settings = dashboardSettings(spec["x-slipway"].observe);
  if (!settings?.host) return undefined;
  const port = spec["x-slipway"].router.https_port;
  return {
    project: spec.name,
    host: settings.host,
    tls: settings.tls,
    origin: `https://${settings.host}${port === 443 ? "" : `:${port}`}`,
  };
}

/**
 * The publication among the projects being served (none `down`). A deploy that would make a second
 * one is refused (`checkDashboardClaims`); should two ever meet, the first by name wins.
 */
export function dashboardPublication(specs: readonly AppSpec[]): DashboardPublication | undefined {
  return [...specs]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(publicationOf)
    .find((publication) => publication !== undefined);
}

/** The router's route to the dashboard's router listener (none listening yet: requests wait, then 503). */
export function dashboardRoute(
  publication: DashboardPublication,
  upstream: { readonly host: string; readonly port: number } | undefined,
): ReservedRoute {
  return {
    id: dashboardRouteId(publication.project),
    project: publication.project,
    name: "@dashboard",
    domains: [publication.host],
    tls: publication.tls,
    upstream,
  };
}

/** Domains the HTTP and static routes of a spec answer for. */
const domainsOf = (spec: AppSpec): string[] => routedDomains(spec).map((routed) => routed.domain);

/**
 * Refuses, before a deploy changes anything, a spec that claims what another served project holds:
 * the dashboard's publication (one project publishes it: `E_DASHBOARD_CLAIMED`), or a host that is
 * both the dashboard's and a route's, in this project or another (`E_DASHBOARD_HOST_TAKEN`).
 */
export function checkDashboardClaims(spec: AppSpec, others: readonly AppSpec[]): void {
  const mine = publicationOf(spec);
  const theirs = others.filter((other) => other.name !== spec.name);
  const held = theirs.map(publicationOf).find((publication) => publication !== undefined);
  if (mine && held)
    throw new SlipwayError({
      code: "E_DASHBOARD_CLAIMED",
      message: `project ${held.project} already publishes the dashboard (on ${held.host}); ${spec.name} cannot publish it too`,
      hint: `remove x-slipway.observe.dashboard.host from one of them, or \`slipway down\` ${held.project} first`,
    });
  if (mine) {
    const routed = [spec, ...theirs].find((s) => domainsOf(s).includes(mine.host));
    if (routed)
      throw new SlipwayError({
        code: "E_DASHBOARD_HOST_TAKEN",
        message: `the dashboard's host ${mine.host} is a route's domain in project ${routed.name}`,
        hint: "publish the dashboard on a host name of its own, such as ops.example.com",
      });
  }
  if (held && domainsOf(spec).includes(held.host))
    throw new SlipwayError({
      code: "E_DASHBOARD_HOST_TAKEN",
      message: `${held.host} is where project ${held.project} publishes the dashboard; a route of ${spec.name} cannot take it`,
      hint: "route another domain, or move the dashboard to another host",
    });
}

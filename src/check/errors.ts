import type { ErrorCatalogue } from "../errors.js";

/** Codes of `slipway check` findings (each rule's own code; see its file under check/rules/). */
export const CHECK_ERRORS = {
  E_CHECK_DB_PORT_PUBLIC: "a database or cache port published on all interfaces",
  E_CHECK_SECRET_IN_ENV: "a password, token or key typed into `environment`",
  E_CHECK_HEALTHY_NO_HEALTHCHECK: "`condition: service_healthy` on a service without a healthcheck",
  E_CHECK_HOST_PORT_CONFLICT: "the same host port published twice",
  E_CHECK_REPLICAS_HOST_PORT: "several replicas publishing one fixed host port",
  E_CHECK_ROUTE_PORT: "a route port that is not one of the service's ports",
  E_CHECK_ROUTER_PORT_CONFLICT: "the router's port is a port a service listens on or publishes",
  E_CHECK_DASHBOARD_HOST: "the published dashboard's host is also a route's domain",
} as const satisfies ErrorCatalogue;

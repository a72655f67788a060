import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { dashboardHost } from "./dashboard-host.js";

describe("E_CHECK_DASHBOARD_HOST", () => {
  it("flags every route domain of the file that is the published dashboard's host, in any case", () => {
    const findings = check(
      dashboardHost,
      `
      x-slipway: { observe: { dashboard: { host: ops.example.com } } }
      services:
        api:
          image: acme/api:1
          x-slipway: { routes: [{ domains: [api.example.com, OPS.example.com] }] }
        site:
          image: acme/site:1
          x-slipway: { routes: [{ domains: [www.example.com] }, { domains: [ops.example.com], path: /docs }] }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_DASHBOARD_HOST services.api.x-slipway.routes[0].domains[1]",
      "E_CHECK_DASHBOARD_HOST services.site.x-slipway.routes[1].domains[0]",
    ]);
    expect(findings[0]?.message).toContain('route 0 of service "api" answers for ops.example.com');
  });

  it("is quiet for a dashboard of its own host, an unpublished dashboard, and TCP routes", () => {
    const own = check(
      dashboardHost,
      `
      x-slipway: { observe: { dashboard: { host: ops.example.com } } }
      services: { api: { image: acme/api:1, x-slipway: { routes: [{ domains: [api.example.com] }] } } }
      `,
    );
    const unpublished = check(
      dashboardHost,
      `
      x-slipway: { observe: { dashboard: "127.0.0.1:9471" } }
      services: { api: { image: acme/api:1, x-slipway: { routes: [{ domains: [ops.example.com] }] } } }
      `,
    );
    expect([...own, ...unpublished]).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SlipwayError } from "../errors.js";
import { loadManifest } from "../manifest/load.js";
import type { AppSpec } from "../manifest/model.js";
import { routerConfig } from "../router/control/router-config.js";
import {
  checkDashboardClaims,
  dashboardPublication,
  dashboardRoute,
  dashboardRouteId,
} from "./dashboard-publication.js";

/** A project `name` with one service `web` routed on `domains`, and `slipway` under the top-level x-slipway. */
function project(name: string, slipway: string, domains: readonly string[] = []): AppSpec {
  const dir = mkdtempSync(join(tmpdir(), "slipway-dashboard-publication-"));
  try {
    writeFileSync(
      join(dir, "compose.yaml"),
      `name: ${name}\nx-slipway:\n  router: { https_port: 8443 }\n${slipway}services:\n  web:\n    image: node:22\n    expose: ["3000"]\n    x-slipway: { routes: [{ domains: [${domains.join(", ")}] }] }\n`,
    );
    const { spec, problems } = loadManifest({ files: [join(dir, "compose.yaml")], env: {} });
    expect(problems).toEqual([]);
    return spec!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const publishing = (name: string, host = "ops.example.com", domains: readonly string[] = []) =>
  project(name, `  observe: { dashboard: { host: ${host} } }\n`, domains);

const codeOf = (run: () => void) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return { code: (error as SlipwayError).code, message: (error as Error).message };
  }
};

describe("the dashboard's publication", () => {
  it("belongs to the project that sets a host; its origin carries the owner's HTTPS port", () => {
    const plain = project("plain", "  observe: { dashboard: 127.0.0.1:9471 }\n");
    expect(dashboardPublication([plain])).toBeUndefined();
    expect(dashboardPublication([plain, publishing("ops")])).toEqual({
      project: "ops",
      host: "ops.example.com",
      tls: "auto",
      origin: "https://ops.example.com:8443",
    });
  });

  it("is served by a reserved HTTPS-only route to the dashboard's router listener", () => {
    const ops = publishing("ops");
    const publication = dashboardPublication([ops])!;
    const config = routerConfig([{ spec: ops, active: undefined, instances: [], weights: {} }], {
      generation: 1,
      certificates: [],
      acmeChallenges: {},
      host: "127.0.0.1",
      reserved: [dashboardRoute(publication, { host: "127.0.0.1", port: 41_000 })],
    });
    expect(config.https).toEqual({ host: "127.0.0.1", port: 8443 });
    expect(config.routes.find((route) => route.id === dashboardRouteId("ops"))).toEqual({
      kind: "http",
      id: "ops/@dashboard",
      project: "ops",
      service: "@dashboard",
      domains: ["ops.example.com"],
      pathPrefix: "/",
      stripPrefix: false,
      sets: [
        {
          version: "agent",
          weight: 1,
          upstreams: [{ id: "ops/@dashboard", host: "127.0.0.1", port: 41_000, state: "active" }],
        },
      ],
      drainTimeoutMs: 1000,
      httpsRedirect: true,
      duringMaintenance: true,
    });
    // Not listening yet: the route stays (its host never falls to another route) with nothing behind it.
    const waiting = dashboardRoute(publication, undefined);
    expect(
      routerConfig([], {
        generation: 2,
        certificates: [],
        acmeChallenges: {},
        host: "0.0.0.0",
        reserved: [waiting],
      }).routes,
    ).toEqual([expect.objectContaining({ id: "ops/@dashboard", sets: [], httpsRedirect: true })]);
  });

  it("is claimed by one project: a second one is refused, the owner may deploy again", () => {
    const ops = publishing("ops");
    expect(codeOf(() => checkDashboardClaims(ops, [ops, project("shop", "")]))).toBeUndefined();
    expect(codeOf(() => checkDashboardClaims(publishing("admin", "admin.example.com"), [ops]))).toEqual({
      code: "E_DASHBOARD_CLAIMED",
      message: expect.stringContaining("project ops already publishes the dashboard (on ops.example.com)"),
    });
    // Once the owner is down (not among the served specs), another project may publish it.
    expect(codeOf(() => checkDashboardClaims(publishing("admin"), []))).toBeUndefined();
  });

  it("keeps its host apart from every route's domains, both ways", () => {
    const ops = publishing("ops");
    expect(
      codeOf(() => checkDashboardClaims(publishing("ops", "ops.example.com", ["ops.example.com"]), [])),
    ).toMatchObject({ code: "E_DASHBOARD_HOST_TAKEN", message: expect.stringContaining("project ops") });
    expect(
      codeOf(() => checkDashboardClaims(ops, [project("shop", "", ["shop.example.com", "ops.example.com"])])),
    ).toMatchObject({ code: "E_DASHBOARD_HOST_TAKEN", message: expect.stringContaining("project shop") });
    expect(codeOf(() => checkDashboardClaims(project("shop", "", ["OPS.example.com"]), [ops]))).toMatchObject(
      {
        code: "E_DASHBOARD_HOST_TAKEN",
        message: expect.stringContaining("where project ops publishes the dashboard"),
      },
    );
    expect(
      codeOf(() => checkDashboardClaims(project("shop", "", ["shop.example.com"]), [ops])),
    ).toBeUndefined();
  });
});

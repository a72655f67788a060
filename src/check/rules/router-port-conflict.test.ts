import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { routerPortConflict } from "./router-port-conflict.js";

describe("E_CHECK_ROUTER_PORT_CONFLICT", () => {
  it("flags a router port that a service listens on or publishes on every interface", () => {
    const findings = check(
      routerPortConflict,
      `
      x-slipway: { router: { http_port: 8080, https_port: 8443 } }
      services:
        web:
          image: acme/web:1
          expose: ["8080"]
          x-slipway: { routes: [{ path: / }] }
        admin:
          image: acme/admin:1
          ports: ["8443:3000"]
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_ROUTER_PORT_CONFLICT x-slipway.router.http_port",
      "E_CHECK_ROUTER_PORT_CONFLICT x-slipway.router.https_port",
    ]);
    expect(findings[0]?.message).toContain('service "web"');
    expect(findings[1]?.message).toContain('published by service "admin"');
  });

  it("accepts a router on one address, other ports, and projects without routes", () => {
    const local = check(
      routerPortConflict,
      `
      x-slipway: { router: { host: 127.0.0.1, http_port: 8080 } }
      services:
        web:
          image: acme/web:1
          expose: ["8080"]
          x-slipway: { routes: [{ path: / }] }
      `,
    );
    const unrouted = check(
      routerPortConflict,
      `
      x-slipway: { router: { http_port: 8080 } }
      services:
        web:
          image: acme/web:1
          expose: ["8080"]
      `,
    );
    expect(hitsOf(local)).toEqual([]);
    expect(hitsOf(unrouted)).toEqual([]);
  });
});

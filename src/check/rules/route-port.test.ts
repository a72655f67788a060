import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { routePort } from "./route-port.js";

describe("E_CHECK_ROUTE_PORT", () => {
  it("flags a route port the service does not listen on, and a route with no port among several", () => {
    const findings = check(
      routePort,
      `
      services:
        api:
          image: acme/api:1
          expose: ["3000"]
          x-slipway: { routes: [{ path: /api, port: 8080 }] }
        game:
          image: acme/game:1
          ports: ["7777:7777/udp", "127.0.0.1:8080:8080"]
          x-slipway: { routes: [{ domains: [play.example.com] }] }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_ROUTE_PORT services.api.x-slipway.routes[0].port",
      "E_CHECK_ROUTE_PORT services.game.x-slipway.routes[0]",
    ]);
    expect(findings[1]?.hint).toBe("add `port:` with one of 7777, 8080");
  });

  it("accepts matching ports, exposed ranges, a single port, static routes and unknown ports", () => {
    const findings = check(
      routePort,
      `
      services:
        api:
          image: acme/api:1
          expose: ["3000-3002/tcp"]
          x-slipway: { routes: [{ port: 3001 }] }
        web:
          image: acme/web:1
          ports: ["8080:80"]
          x-slipway: { routes: [{ port: 80 }, { path: /ws }] }
        site:
          image: nginx:1.27
          ports: ["80", "443"]
          x-slipway: { routes: [{ static: ./public }] }
        bot:
          image: acme/bot:1
          x-slipway: { routes: [{ port: 8443 }] }
      `,
    );
    expect(findings).toEqual([]);
  });
});

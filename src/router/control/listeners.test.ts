import { describe, expect, it } from "vitest";
import { loadCompose } from "../../check/test-support.js";
import { projectListeners, type RoutableInstance } from "./listeners.js";
import { routerConfig } from "./router-config.js";

describe("projectListeners", () => {
  it("listens on every declared port by name, and publishes each published one", () => {
    const { spec } = loadCompose(`
      name: p
      services:
        web:
          image: nginx:1.27
          ports: ["127.0.0.1:8080:3000", "127.0.0.1:8081:9090"]
          expose: ["7000"]
    `);
    const web = spec.services.web!;
    const instances: RoutableInstance[] = [
      {
        id: "p.web.r1.0",
        service: "web",
        port: 41000,
        ports: { 9090: 41001, 7000: 41002 },
        state: "healthy",
      },
      { id: "p.web.r1.1", service: "web", port: 42000, ports: { 9090: 42001 }, state: "healthy" },
      { id: "p.web.r1.2", service: "web", port: 43000, state: "starting" },
    ];
    const listeners = projectListeners("p", [web], { web: "127.9.9.2" }, instances);
    const brief = listeners.map((l) => [l.host, l.port, l.upstreams.map((u) => u.port)]);
    expect(brief).toEqual([
      ["127.9.9.2", 3000, [41000, 42000]],
      ["127.0.0.1", 8080, [41000, 42000]],
      ["127.9.9.2", 9090, [41001, 42001]],
      ["127.0.0.1", 8081, [41001, 42001]],
      ["127.9.9.2", 7000, [41002]],
    ]);
  });
});

describe("projectListeners with published HTTP ports", () => {
  it("leaves a published HTTP port to the router, and keeps the name on layer 4", () => {
    const { spec } = loadCompose(`
      name: p
      services:
        web:
          build: .
          ports: [{ target: 3000, published: "8080", host_ip: 127.0.0.1, app_protocol: http }]
        db:
          image: postgres:16
          ports: ["127.0.0.1:5433:5432"]
    `);
    const instances: RoutableInstance[] = [
      { id: "p.web.r1.0", service: "web", port: 41000, state: "healthy" },
      { id: "p.db.r1.0", service: "db", port: 41001, state: "healthy" },
    ];
    const services = Object.values(spec.services);
    const listeners = projectListeners("p", services, { web: "127.9.9.2", db: "127.9.9.3" }, instances);
    expect(listeners.map((l) => [l.host, l.port])).toEqual([
      ["127.9.9.2", 3000],
      ["127.9.9.3", 5432],
      ["127.0.0.1", 5433],
    ]);
    const routes = routerConfig(
      [
        {
          spec,
          active: undefined,
          instances: instances.map((i) => ({ ...i, releaseId: "r1" })),
          weights: {},
        },
      ],
      {
        generation: 1,
        certificates: [],
        acmeChallenges: {},
        host: "127.0.0.1",
      },
    ).routes;
    expect(routes).toMatchObject([
      {
        kind: "http",
        id: "p/web/published/127.0.0.1:8080",
        listen: { host: "127.0.0.1", port: 8080 },
        sets: [{ version: "r1", upstreams: [{ id: "p.web.r1.0", port: 41000, state: "active" }] }],
      },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { loadCompose } from "../../check/test-support.js";
import { projectListeners, type RoutableInstance } from "./listeners.js";

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

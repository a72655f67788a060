import { describe, expect, it } from "vitest";
import { parseRouterConfig } from "./config-schema.js";

describe("parseRouterConfig", () => {
  it("fills the documented defaults", () => {
    const parsed = parseRouterConfig({ generation: 1, http: { host: "0.0.0.0", port: 80 } });
    expect(parsed.tls.minVersion).toBe("1.2");
    expect(parsed.security).toEqual({
      hstsMaxAgeSeconds: 15552000,
      contentSecurityPolicy: "default-src 'self'",
      referrerPolicy: "strict-origin-when-cross-origin",
    });
    expect(parsed.limits.maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(parsed.limits.queueTimeoutMs).toBe(10_000);
  });

  it("keeps a published port's listener, which alone does not claim the shared HTTP port", () => {
    const published = {
      kind: "http",
      id: "p/s/published/127.0.0.1:8080",
      project: "p",
      service: "s",
      sets: [],
      listen: { host: "127.0.0.1", port: 8080 },
    };
    const parsed = parseRouterConfig({
      generation: 1,
      http: { host: "127.0.0.1", port: 8080 },
      routes: [published],
    });
    expect(parsed.routes[0]).toMatchObject({ listen: { host: "127.0.0.1", port: 8080 } });
    expect(() =>
      parseRouterConfig({
        generation: 1,
        http: { host: "127.0.0.1", port: 80 },
        routes: [published, published],
      }),
    ).toThrow(/appears twice/);
  });

  it("reports every problem with its key path", () => {
    try {
      parseRouterConfig({
        generation: 1,
        http: { host: "0.0.0.0", port: 80 },
        trustedProxies: ["10.0.0.0/33"],
        routes: [
          { kind: "http", id: "a", project: "p", service: "s", pathPrefix: "api", sets: [] },
          {
            kind: "tcp",
            id: "a",
            project: "p",
            service: "s",
            listen: { host: "127.0.0.1", port: 80 },
            sets: [],
          },
        ],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "E_ROUTER_CONFIG" });
      const paths = (error as { problems: { path: string }[] }).problems.map((problem) => problem.path);
      expect(paths).toEqual(["routes[0].pathPrefix", "trustedProxies[0]"]);
    }
    try {
      parseRouterConfig({
        generation: 1,
        http: { host: "0.0.0.0", port: 80 },
        routes: [
          {
            kind: "tcp",
            id: "a",
            project: "p",
            service: "s",
            listen: { host: "127.0.0.1", port: 80 },
            sets: [],
          },
          {
            kind: "tcp",
            id: "a",
            project: "p",
            service: "s",
            listen: { host: "127.0.0.2", port: 5432 },
            sets: [],
          },
        ],
      });
      expect.unreachable();
    } catch (error) {
      const problems = (error as { problems: { path: string; message: string }[] }).problems;
      expect(problems.map((problem) => problem.path)).toEqual(["routes[1].id", "routes[0].listen.port"]);
      expect(problems[1]?.message).toBe("route a listens on 127.0.0.1:80, already used by http");
    }
  });
});

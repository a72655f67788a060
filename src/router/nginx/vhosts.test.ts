import { describe, expect, it } from "vitest";
import { httpRoute, routerConfig, set, upstream } from "./test-config.js";
import { planVirtualHosts, prefixCovers } from "./vhosts.js";

const route = (id: string, pathPrefix: string, domains: string[] = []) =>
  httpRoute({ id, pathPrefix, domains, sets: [set("r1", 1, [upstream("a", 3000)])] });
const ids = (host: { routes: readonly { route: { id: string } }[] } | undefined) =>
  host?.routes.map((r) => r.route.id);

describe("prefixCovers", () => {
  it.each([
    ["/", "/api", true],
    ["/api", "/api/v1", true],
    ["/api", "/api/", true],
    ["/api/", "/api", false],
    ["/api", "/apix", false],
    ["/api/v1", "/api", false],
  ])("%s covers %s: %s", (outer, inner, covers) => {
    expect(prefixCovers(outer, inner)).toBe(covers);
  });
});

describe("planVirtualHosts", () => {
  it("serves host-less routes on the default server, longest prefix first", () => {
    const plan = planVirtualHosts(routerConfig({ routes: [route("root", "/"), route("api", "/api")] }));
    expect(plan.http).toHaveLength(1);
    expect(plan.http[0]?.names).toEqual([]);
    expect(ids(plan.http[0])).toEqual(["api", "root"]);
    expect(plan.https).toEqual([]);
  });

  it("adds host-less routes to a host only where none of its own routes covers them", () => {
    const config = routerConfig({
      routes: [
        route("any-api", "/api"),
        route("any-docs", "/docs"),
        route("b-v1", "/api/v1", ["B.test."]),
        route("c-root", "/", ["c.test"]),
      ],
    });
    const plan = planVirtualHosts(config);
    expect(plan.http.find((h) => h.names.includes("b.test"))?.routes.map((r) => r.route.id)).toEqual([
      "b-v1",
      "any-docs",
      "any-api",
    ]);
    expect(ids(plan.http.find((h) => h.names.includes("c.test")))).toEqual(["c-root"]);
  });

  it("shares one server between hosts with the same routes", () => {
    const plan = planVirtualHosts(routerConfig({ routes: [route("site", "/", ["b.test", "a.test"])] }));
    expect(plan.http.map((h) => h.names)).toEqual([[], ["a.test", "b.test"]]);
  });

  it("picks certificates by exact name, then wildcard, and refuses hosts without one", () => {
    const exact = { domains: ["a.test"], certFile: "/a.crt", keyFile: "/a.key" };
    const wildcard = { domains: ["*.b.test", "cert-only.test"], certFile: "/b.crt", keyFile: "/b.key" };
    const plan = planVirtualHosts(
      routerConfig({
        https: { host: "127.0.0.1", port: 8443 },
        tls: { certificates: [exact, wildcard], minVersion: "1.2" },
        routes: [route("a", "/", ["a.test"]), route("x", "/", ["x.b.test"]), route("none", "/", ["n.test"])],
      }),
    );
    const serverOf = (name: string) => plan.https.find((h) => h.names.includes(name));
    expect(plan.https[0]).toMatchObject({ names: [], certificate: exact });
    expect(serverOf("a.test")?.certificate).toBe(exact);
    expect(serverOf("x.b.test")?.certificate).toBe(wildcard);
    expect(serverOf("cert-only.test")?.certificate).toBe(wildcard);
    expect(serverOf("n.test")?.certificate).toBeUndefined();
  });
});

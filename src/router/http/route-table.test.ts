import { describe, expect, it } from "vitest";
import type { HttpRoute } from "../model.js";
import {
  compileRouteTable,
  matchRoute,
  normalizeHost,
  prefixMatches,
  stripPathPrefix,
} from "./route-table.js";
import { config } from "./test-support.js";

const route = (id: string, domains: string[], pathPrefix: string): HttpRoute => ({
  kind: "http",
  id,
  project: "p",
  service: "s",
  domains,
  pathPrefix,
  stripPrefix: false,
  sets: [],
  drainTimeoutMs: 0,
  httpsRedirect: false,
});

describe("route table", () => {
  const table = compileRouteTable(
    config([
      route("any", [], "/"),
      route("any-api", [], "/api"),
      route("a", ["a.test"], "/"),
      route("a-v2", ["a.test"], "/api/v2/"),
    ]),
  );
  const match = (host: string, url: string) => matchRoute(table, host, url)?.id;

  it("prefers routes naming the host, then the longest prefix", () => {
    expect(match("a.test", "/api/v2/x")).toBe("a-v2");
    expect(match("a.test", "/api/x")).toBe("a");
    expect(match("b.test", "/api/x?y")).toBe("any-api");
    expect(match("b.test", "/apix")).toBe("any");
    expect(match("A.TEST.:443", "/")).toBe("a");
  });

  it("matches prefixes on segment boundaries and strips them", () => {
    expect(prefixMatches("/api", "/api")).toBe(true);
    expect(prefixMatches("/api", "/api/x")).toBe(true);
    expect(prefixMatches("/api", "/apix")).toBe(false);
    expect(prefixMatches("/api/", "/api/x")).toBe(true);
    expect(stripPathPrefix("/api", "/api/users?x=1")).toBe("/users?x=1");
    expect(stripPathPrefix("/api", "/api?x=1")).toBe("/?x=1");
    expect(stripPathPrefix("/api/", "/api/users")).toBe("/users");
    expect(stripPathPrefix("/", "/users")).toBe("/users");
  });

  it("normalizes host headers", () => {
    expect(normalizeHost("Example.COM:8443")).toBe("example.com");
    expect(normalizeHost("[::1]:80")).toBe("[::1]");
    expect(normalizeHost("example.com.")).toBe("example.com");
  });
});

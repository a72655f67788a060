import { describe, expect, it } from "vitest";
import { loadCompose } from "../check/test-support.js";
import { publishedHttpPorts } from "./published-http.js";

/** The published ports of `web` that the HTTP router serves, as `host:port`. */
function httpPorts(service: string): string[] {
  const { spec } = loadCompose(`
    name: p
    services:
      web:
        build: .
        ${service}
  `);
  return publishedHttpPorts(spec.services.web!).map((p) => `${p.host}:${p.port}`);
}

describe("publishedHttpPorts", () => {
  it("serves a port through the router when its app_protocol is http, and never when it is another", () => {
    expect(
      httpPorts(`ports: [{ target: 3000, published: "8080", host_ip: 127.0.0.1, app_protocol: http }]`),
    ).toEqual(["127.0.0.1:8080"]);
    expect(
      httpPorts(`ports: [{ target: 3000, published: "8080", app_protocol: tcp }]
        healthcheck: { test: ["CMD", "curl", "-f", "http://127.0.0.1:3000/"] }`),
    ).toEqual([]);
  });

  it("takes an HTTP healthcheck at the port, $PORT or 80 as HTTP", () => {
    const probe = (url: string) =>
      httpPorts(`ports: ["127.0.0.1:8080:3000"]
        healthcheck: { test: ["CMD-SHELL", "curl -fsS ${url}"] }`);
    expect(probe("http://127.0.0.1:$$PORT/health")).toEqual(["127.0.0.1:8080"]);
    expect(probe("http://localhost:3000/")).toEqual(["127.0.0.1:8080"]);
    expect(probe("http://localhost:4000/")).toEqual([]);
    expect(probe("https://localhost:3000/")).toEqual([]);
    expect(
      httpPorts(`ports: ["8080:80"]
        healthcheck: { test: ["CMD", "wget", "-q", "http://localhost/"] }`),
    ).toEqual(["0.0.0.0:8080"]);
  });

  it("takes a service routed at the port as HTTP", () => {
    expect(
      httpPorts(`ports: ["127.0.0.1:8080:3000"]
        x-slipway: { routes: [{ path: /api }] }`),
    ).toEqual(["127.0.0.1:8080"]);
    expect(
      httpPorts(`ports: ["127.0.0.1:8080:3000"]
        x-slipway: { routes: [{ protocol: tcp, port: 3000 }] }`),
    ).toEqual([]);
  });

  it("leaves ports without a sign of HTTP, secondary ports and port ranges on layer 4", () => {
    expect(httpPorts(`ports: ["127.0.0.1:8080:3000"]`)).toEqual([]);
    expect(
      httpPorts(`ports: ["127.0.0.1:8080:3000", { target: 9000, published: "9000", app_protocol: http }]`),
    ).toEqual([]);
    expect(httpPorts(`ports: [{ target: 3000, published: "8080-8081", app_protocol: http }]`)).toEqual([]);
    expect(httpPorts(`ports: [{ target: 3000, published: "0", app_protocol: http }]`)).toEqual([]);
  });
});

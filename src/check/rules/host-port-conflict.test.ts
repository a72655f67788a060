import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { hostPortConflict } from "./host-port-conflict.js";

describe("E_CHECK_HOST_PORT_CONFLICT", () => {
  it("flags a host port two services publish, and a localhost binding under an all-interfaces one", () => {
    const findings = check(
      hostPortConflict,
      `
      services:
        api: { image: acme/api:1, ports: ["8080:3000"] }
        admin: { image: acme/admin:1, ports: ["8080:80"] }
        metrics: { image: acme/metrics:1, ports: ["127.0.0.1:8080:9090"] }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_HOST_PORT_CONFLICT services.admin.ports[0]",
      "E_CHECK_HOST_PORT_CONFLICT services.metrics.ports[0]",
    ]);
    expect(findings[0]?.message).toContain('service "api"');
  });

  it("accepts the same port on other addresses or protocols, ranges and unpublished ports", () => {
    const findings = check(
      hostPortConflict,
      `
      services:
        a: { image: acme/a:1, ports: ["127.0.0.1:8080:80", "7777:7777/udp", "9000-9005:80", "3000"] }
        b: { image: acme/b:1, ports: ["10.0.0.2:8080:80", "7777:7777/tcp", "9000-9005:80", "3000"] }
      `,
    );
    expect(findings).toEqual([]);
  });
});

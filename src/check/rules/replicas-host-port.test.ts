import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { replicasHostPort } from "./replicas-host-port.js";

describe("E_CHECK_REPLICAS_HOST_PORT", () => {
  it("flags replicas that would all bind one host port, with a range in the hint", () => {
    const findings = check(
      replicasHostPort,
      `
      x-slipway: { target: docker }
      services:
        game:
          image: acme/game:1
          ports: ["7777:7777/udp", "8080"]
          deploy: { replicas: 3 }
      `,
    );
    expect(hitsOf(findings)).toEqual(["E_CHECK_REPLICAS_HOST_PORT services.game.ports[0]"]);
    expect(findings[0]?.hint).toContain('"7777-7779:7777"');
  });

  it("accepts one replica, a host port range, and swarm's ingress mesh", () => {
    const single = check(replicasHostPort, `services: { api: { image: acme/api:1, ports: ["80:80"] } }`);
    const range = check(
      replicasHostPort,
      `services: { api: { image: acme/api:1, ports: ["8000-8002:80"], deploy: { replicas: 3 } } }`,
    );
    const swarm = check(
      replicasHostPort,
      `
      x-slipway: { target: swarm }
      services: { api: { image: acme/api:1, ports: ["80:80"], deploy: { replicas: 3 } } }
      `,
    );
    expect([...single, ...range, ...swarm]).toEqual([]);
  });

  it("on the process target, flags only UDP: slipway's proxy spreads a published TCP port over the replicas", () => {
    const findings = check(
      replicasHostPort,
      `services: { game: { image: acme/game:1, ports: ["7777:7777/udp", "8080:8080"], deploy: { replicas: 3 } } }`,
    );
    expect(hitsOf(findings)).toEqual(["E_CHECK_REPLICAS_HOST_PORT services.game.ports[0]"]);
  });
});

import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { registryUnused } from "./registry-unused.js";

describe("W_CHECK_REGISTRY_UNUSED", () => {
  it("warns when a target other than swarm is given a registry, pointing kubernetes at its own key", () => {
    const docker = check(
      registryUnused,
      `
      x-slipway: { target: docker, registry: "127.0.0.1:5000/team" }
      services: { api: { image: acme/api:1 } }
      `,
    );
    expect(hitsOf(docker)).toEqual(["W_CHECK_REGISTRY_UNUSED x-slipway.registry"]);
    const kubernetes = check(
      registryUnused,
      `
      x-slipway: { target: kubernetes, registry: "registry.example.com/team" }
      services: { api: { image: acme/api:1 } }
      `,
    );
    expect(kubernetes[0]?.hint).toContain("x-slipway.kubernetes.registry");
  });

  it("is quiet on swarm and without a registry", () => {
    const swarm = check(
      registryUnused,
      `
      x-slipway: { target: swarm, registry: "127.0.0.1:5000/team" }
      services: { api: { image: acme/api:1 } }
      `,
    );
    const none = check(registryUnused, `services: { api: { image: acme/api:1 } }`);
    expect([...swarm, ...none]).toEqual([]);
  });
});

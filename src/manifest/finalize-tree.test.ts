import { describe, expect, it } from "vitest";
import { finalizeTree } from "./finalize-tree.js";

describe("finalizeTree", () => {
  it("drops x- keys where the spec allows extensions", () => {
    const tree = {
      "x-common": { a: 1 },
      "x-slipway": { strategy: "rolling" },
      services: { web: { image: "nginx", "x-team": "a", deploy: { "x-foo": 1, replicas: 2 } } },
      networks: { front: { "x-net": 1, driver: "bridge" } },
    };
    expect(finalizeTree(tree)).toEqual({
      "x-slipway": { strategy: "rolling" },
      services: { web: { image: "nginx", deploy: { replicas: 2 } } },
      networks: { front: { driver: "bridge" } },
    });
  });

  it("keeps x- keys that are user data or names", () => {
    const service = {
      labels: { "x-owner": "team" },
      environment: { "x-header": "1" },
      annotations: { "x-a": "1" },
      sysctls: { "x-s": "1" },
      extra_hosts: { "x-host": "10.0.0.1" },
      build: { context: ".", args: { "x-arg": "1" }, "x-build-note": 1 },
      logging: { options: { "x-opt": "1" } },
      depends_on: { "x-db": { condition: "service_started", "x-why": 1 } },
      networks: { "x-net": { aliases: ["a"], "x-alias-note": 1 } },
    };
    const tree = {
      services: { "x-web": service },
      volumes: { "x-cache": { driver_opts: { "x-o": "1" } } },
      secrets: { "x-token": { file: "./t" } },
    };
    const { build: _build, ...rest } = service;
    expect(finalizeTree(tree)).toEqual({
      services: {
        "x-web": {
          ...rest,
          build: { context: ".", args: { "x-arg": "1" } },
          depends_on: { "x-db": { condition: "service_started" } },
          networks: { "x-net": { aliases: ["a"] } },
        },
      },
      volumes: { "x-cache": { driver_opts: { "x-o": "1" } } },
      secrets: { "x-token": { file: "./t" } },
    });
  });
});

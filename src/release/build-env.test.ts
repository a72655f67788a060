import { describe, expect, it } from "vitest";
import { buildEnvironment } from "./build-env.js";

describe("buildEnvironment", () => {
  const agent = {
    PATH: "/opt/node/bin:/usr/bin",
    HOME: "/root",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI",
    SLIPWAY_HOME: "/var/lib/slipway",
    NPM_TOKEN: "npm_abc",
    REGISTRY_MIRROR: "https://mirror.example",
  };

  it("passes PATH and HOME but none of the agent's other variables (its secrets)", () => {
    const env = buildEnvironment({ build: { context: ".", args: {} } as never }, agent);
    expect(env).toEqual({ PATH: "/opt/node/bin:/usr/bin", HOME: "/root" });
  });

  it("adds the service's build args, a bare one taken from the agent's environment by name", () => {
    const env = buildEnvironment(
      { build: { context: ".", args: { NODE_ENV: "production", REGISTRY_MIRROR: null } } as never },
      agent,
    );
    expect(env.NODE_ENV).toBe("production");
    expect(env.REGISTRY_MIRROR).toBe("https://mirror.example");
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it("has a PATH even when the agent has none", () => {
    expect(buildEnvironment({ build: undefined }, {}).PATH).toBe("/usr/local/bin:/usr/bin:/bin");
  });
});

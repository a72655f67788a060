import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registryAuth, registryOf } from "./registry-auth.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-registry-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (auths: Record<string, unknown>) => {
  const file = join(dir, `config-${Object.keys(auths).length}.json`);
  writeFileSync(file, JSON.stringify({ auths }));
  return file;
};

describe("registryOf", () => {
  it.each([
    ["localhost:5000/team/api:1.2", "localhost:5000"],
    ["registry.internal/api", "registry.internal"],
    ["localhost/api", "localhost"],
    ["team/api:1.2", undefined],
    ["redis:7", undefined],
  ])("%s is in %s", (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });
});

describe("registryAuth", () => {
  it("reads the login docker login stored for the image's registry", () => {
    const file = config({
      "localhost:5000": { auth: Buffer.from("deployer:s3cr:et").toString("base64") },
      "https://registry.internal/v1/": { username: "ci", password: "token" },
    });
    expect(registryAuth("localhost:5000/team/api:1", file)).toEqual({
      username: "deployer",
      password: "s3cr:et",
      serveraddress: "localhost:5000",
    });
    expect(registryAuth("registry.internal/api", file)).toEqual({
      username: "ci",
      password: "token",
      serveraddress: "registry.internal",
    });
  });

  it("has none for another registry, the default one, a missing config or a credential helper", () => {
    const file = config({ "localhost:5000": {} });
    expect(registryAuth("localhost:6000/api", file)).toBeUndefined();
    expect(registryAuth("team/api", file)).toBeUndefined();
    expect(registryAuth("localhost:5000/api", file)).toBeUndefined();
    expect(registryAuth("localhost:5000/api", join(dir, "none.json"))).toBeUndefined();
  });
});

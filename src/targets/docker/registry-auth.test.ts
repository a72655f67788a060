import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  it("reads the login docker login stored for the image's registry", async () => {
    const file = config({
      "localhost:5000": { auth: Buffer.from("deployer:s3cr:et").toString("base64") },
      "https://registry.internal/v1/": { username: "ci", password: "token" },
    });
    expect(await registryAuth("localhost:5000/team/api:1", file)).toEqual({
      username: "deployer",
      password: "s3cr:et",
      serveraddress: "localhost:5000",
    });
    expect(await registryAuth("registry.internal/api", file)).toEqual({
      username: "ci",
      password: "token",
      serveraddress: "registry.internal",
    });
  });

  it("has none for another registry, the default one, an empty entry or a missing config", async () => {
    const file = config({ "localhost:5000": {} });
    expect(await registryAuth("localhost:6000/api", file)).toBeUndefined();
    expect(await registryAuth("team/api", file)).toBeUndefined();
    expect(await registryAuth("localhost:5000/api", file)).toBeUndefined();
    expect(await registryAuth("localhost:5000/api", join(dir, "none.json"))).toBeUndefined();
  });

  it("asks the registry's credential helper (credHelpers, else credsStore) as the docker CLI does", async () => {
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    // A stand-in helper: answers `get` for localhost:5000 only, reading the registry from stdin.
    writeFileSync(
      join(bin, "docker-credential-stub"),
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nread r\n[ "$r" = localhost:5000 ] || { echo "credentials not found" >&2; exit 1; }\necho '{"ServerURL":"localhost:5000","Username":"helper-user","Secret":"helper-secret"}'\n`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const file = join(dir, "helpers.json");
    writeFileSync(file, JSON.stringify({ credHelpers: { "localhost:5000": "stub" }, auths: {} }));
    expect(await registryAuth("localhost:5000/api:1", file, env)).toEqual({
      username: "helper-user",
      password: "helper-secret",
      serveraddress: "localhost:5000",
    });
    // The store for every other registry; a helper that knows no login, or is missing, gives none.
    writeFileSync(file, JSON.stringify({ credsStore: "stub" }));
    expect(await registryAuth("localhost:5000/api", file, env)).toMatchObject({ username: "helper-user" });
    expect(await registryAuth("localhost:6000/api", file, env)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ credsStore: "missing-helper" }));
    expect(await registryAuth("localhost:5000/api", file, env)).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import { pushReference } from "./registry-push.js";
import { swarmServiceSpec } from "./service-spec.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-swarm-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project as the real manifest loader makes it from Compose (YAML as JSON). */
function load(slipway: Record<string, unknown>) {
  const file = join(dir, "compose.json");
  writeFileSync(
    file,
    JSON.stringify({
      name: "shop",
      services: { api: { build: "." } },
      "x-slipway": { target: "swarm", ...slipway },
    }),
  );
  return loadManifest({ files: [file], env: {} });
}

describe("x-slipway.registry", () => {
  it("tags a release image `<registry>/<project>-<service>:<release>`, lower-cased as repositories must be", () => {
    expect(
      pushReference({ registry: "127.0.0.1:5000/team", project: "Shop", service: "api", release: "r7" }),
    ).toEqual({ repository: "127.0.0.1:5000/team/shop-api", tag: "r7" });
    expect(
      pushReference({ registry: "registry.example.com", project: "shop", service: "web", release: "r1" }),
    ).toEqual({ repository: "registry.example.com/shop-web", tag: "r1" });
  });

  it("puts the pushed `repository@sha256:…` in the service spec as is: every node pulls exactly that image", () => {
    const { spec } = load({ registry: "127.0.0.1:5000/team" });
    expect(spec?.["x-slipway"].registry).toBe("127.0.0.1:5000/team");
    const image = `127.0.0.1:5000/team/shop-api@sha256:${"a".repeat(64)}`;
    const service = swarmServiceSpec({
      project: "shop",
      release: "r7",
      revision: "rev7",
      service: spec!.services.api!,
      image,
      portPrefix: 4321,
      hosts: [],
      secrets: [],
      configs: [],
      volumeDevice: () => "/unused",
    });
    expect((service.TaskTemplate as { ContainerSpec?: { Image?: string } }).ContainerSpec?.Image).toBe(image);
  });

  it("accepts registry hosts with an optional port and path, and refuses what is not one, with a code and the key path", () => {
    for (const good of [
      "127.0.0.1:5000/team",
      "registry.example.com/team/sub",
      "localhost:5000",
      "[::1]:5000/x",
    ])
      expect(load({ registry: good }).problems, good).toEqual([]);
    for (const bad of [
      "team",
      "https://registry.example.com/team",
      "registry.example.com/Team",
      "reg.example.com/t:v1",
      "127.0.0.1:99999/t",
    ]) {
      const { problems } = load({ registry: bad });
      expect(problems.length, bad).toBeGreaterThan(0);
      expect(problems[0]).toMatchObject({ path: "x-slipway.registry" });
      expect(problems[0]!.code).toMatch(/^E_/);
    }
  });
});

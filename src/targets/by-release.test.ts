import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { slipwayPaths } from "../state/paths.js";
import { TargetsByRelease } from "./by-release.js";
import { dockerRequest } from "./docker/docker-fixtures.js";
import { targetOfHandle } from "./registry.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-by-release-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONTAINER_ID = "a".repeat(64);

describe("TargetsByRelease", () => {
  // No engine answers here on purpose: a call that reaches the docker target says so.
  process.env.DOCKER_HOST = `unix://${join(dir, "no-engine.sock")}`;
  const targets = new TargetsByRelease(
    { paths: slipwayPaths(join(dir, "home")), onWarning: () => {} },
    (_, release) => (release === "r2" ? "docker" : release === "r1" ? "process" : undefined),
  );
  const job = (release: string) =>
    dockerRequest(dir, { command: ["/bin/sh", "-c", "echo ran here"] }, { kind: "job", release });

  it("runs a request on the target its release names (process when the release is unknown)", async () => {
    expect(await targets.runJob(job("r1"), 10_000)).toMatchObject({ exitCode: 0, output: "ran here\n" });
    expect((await targets.runJob(job("r9"), 10_000)).exitCode).toBe(0);
    await expect(targets.runJob(job("r2"), 10_000)).rejects.toMatchObject({ code: "E_DOCKER_UNAVAILABLE" });
  });

  it("sends a handle back to the target that made it", async () => {
    const processHandle = { id: "shop.api.r1.0", pid: 999_999_999, startTime: "12345", startedAt: 0 };
    const containerHandle = { ...processHandle, startTime: CONTAINER_ID };
    expect(targetOfHandle(processHandle)).toBe("process");
    expect(targetOfHandle(containerHandle)).toBe("docker");
    expect(await targets.adopt([processHandle])).toEqual([]);
    await expect(targets.adopt([processHandle, containerHandle])).rejects.toMatchObject({
      code: "E_DOCKER_UNAVAILABLE",
    });
  });
});

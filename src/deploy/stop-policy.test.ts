import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../manifest/load.js";
import { stopPolicy } from "./stop-policy.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-stop-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function services(compose: string) {
  writeFileSync(join(dir, "compose.yaml"), compose);
  const { spec, problems } = loadManifest({ cwd: dir, env: {} });
  expect(problems.filter((p) => p.severity === "error")).toEqual([]);
  return spec!.services;
}

describe("stopPolicy", () => {
  it("drains for the service's drain_timeout (retiring used to wait 30 s for every service)", () => {
    const { api, web } = services(`name: shop
services:
  api:
    image: node:20
    stop_signal: INT
    stop_grace_period: 3s
    x-slipway: { drain_timeout: 90s }
  web:
    image: node:20
`);
    expect(stopPolicy(api)).toEqual({ signal: "SIGINT", graceMs: 3000, drainTimeoutMs: 90_000 });
    expect(stopPolicy(web)).toEqual({ signal: "SIGTERM", graceMs: 10_000, drainTimeoutMs: 30_000 });
    expect(stopPolicy(undefined)).toEqual({ signal: "SIGTERM", graceMs: 10_000, drainTimeoutMs: 30_000 });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadManifest } from "./load.js";

describe("x-slipway.logs", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-logs-limits-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string) => {
    writeFileSync(join(dir, "compose.yaml"), yaml);
    return loadManifest({ cwd: dir, env: {} });
  };

  it("gives each service the project's bounds, overridden key by key", () => {
    const { spec, problems } = load(`
name: app
x-slipway:
  logs: { max_size: 64k, max_files: 5 }
services:
  api:
    image: node:22
    x-slipway:
      logs: { max_files: 2 }
  web:
    image: node:22
`);
    expect(problems).toEqual([]);
    expect(spec?.services.api?.["x-slipway"].logs).toEqual({ max_size: 65536, max_files: 2 });
    expect(spec?.services.web?.["x-slipway"].logs).toEqual({ max_size: 65536, max_files: 5 });
  });

  it("stays absent when nothing sets it (the target's defaults apply), and rejects nonsense", () => {
    expect(load("services:\n  api:\n    image: node:22\n").spec?.services.api?.["x-slipway"].logs).toBe(
      undefined,
    );
    const bad = load(
      "services:\n  api:\n    image: node:22\n    x-slipway:\n      logs: { max_size: lots, max_files: 0 }\n",
    );
    expect(bad.spec).toBeUndefined();
    expect(bad.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([expect.stringContaining("max_size"), expect.stringContaining("max_files")]),
    );
  });
});

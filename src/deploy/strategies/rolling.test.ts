import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import { rollingPlan } from "./rolling.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-rolling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const planOf = (service: string, replicas = 4) => {
  const file = join(dir, "compose.yaml");
  writeFileSync(file, `services:\n  web:\n    image: nginx\n${service}`);
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return rollingPlan(spec.services.web!, replicas);
};

describe("rollingPlan", () => {
  it("defaults to one at a time, start-first, rolled back on failure", () => {
    expect(planOf("")).toEqual({ order: "start-first", batch: 1, delayMs: 0, failureAction: "rollback" });
  });

  it("takes parallelism, delay, order and failure_action from update_config (0 = all at once)", () => {
    expect(
      planOf(
        "    deploy:\n      update_config: { parallelism: 2, delay: 3s, order: stop-first, failure_action: pause }\n",
      ),
    ).toEqual({ order: "stop-first", batch: 2, delayMs: 3000, failureAction: "pause" });
    expect(planOf("    deploy:\n      update_config: { parallelism: 0 }\n", 5).batch).toBe(5);
  });

  it("lets x-slipway.rolling decide: max_surge new at a time, or max_unavailable stopped first", () => {
    expect(planOf("    x-slipway:\n      rolling: { max_surge: 3 }\n")).toMatchObject({
      order: "start-first",
      batch: 3,
    });
    expect(planOf("    x-slipway:\n      rolling: { max_surge: 0, max_unavailable: 2 }\n")).toMatchObject({
      order: "stop-first",
      batch: 2,
    });
  });
});

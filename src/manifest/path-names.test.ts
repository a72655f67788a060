import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "./load.js";

const root = mkdtempSync(join(tmpdir(), "slipway-path-names-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function problemsOf(compose: string) {
  const dir = mkdtempSync(join(root, "p"));
  writeFileSync(join(dir, "compose.yaml"), compose);
  const result = loadManifest({ cwd: dir, env: {} });
  return result.problems.filter((p) => p.severity !== "warning");
}

/** Names that become directories under the home: none of them may leave its parent. */
describe("names that become paths", () => {
  it.each(["..", ".", ".hidden"])("refuses a volume named %j", (name) => {
    const problems = problemsOf(
      `name: shop\nservices:\n  db:\n    image: redis:7\n    volumes: ["${name}:/data"]\nvolumes:\n  "${name}": {}\n`,
    );
    expect(problems.map((p) => p.message).join("\n")).toMatch(/start with a letter or digit/);
  });

  it.each(["..", "."])("refuses a service named %j", (name) => {
    const problems = problemsOf(`name: shop\nservices:\n  "${name}":\n    image: redis:7\n`);
    expect(problems.length).toBeGreaterThan(0);
  });

  it("refuses a secret named '..'", () => {
    const problems = problemsOf(
      `name: shop\nservices:\n  api:\n    image: redis:7\nsecrets:\n  "..":\n    environment: X\n`,
    );
    expect(problems.map((p) => p.message).join("\n")).toMatch(/start with a letter or digit/);
  });

  it("accepts ordinary names with dots, dashes and underscores", () => {
    const problems = problemsOf(
      `name: shop\nservices:\n  db.main:\n    image: redis:7\n    volumes: ["data_1.v2:/data"]\nvolumes:\n  data_1.v2: {}\n`,
    );
    expect(problems).toEqual([]);
  });
});

describe("x-slipway.router limits", () => {
  it("accepts rate limits, trusted proxies, sizes and timeouts", () => {
    const problems = problemsOf(
      `name: shop\nservices:\n  api:\n    image: redis:7\nx-slipway:\n  router:\n    rate_limit: { requests_per_second: 10, burst: 20 }\n    trusted_proxies: ["10.0.0.0/8", "192.0.2.1", "fd00::/8"]\n    max_body_size: 1m\n    headers_timeout: 5s\n`,
    );
    expect(problems).toEqual([]);
  });

  it("refuses a trusted proxy that is not an address or a network", () => {
    const problems = problemsOf(
      `name: shop\nservices:\n  api:\n    image: redis:7\nx-slipway:\n  router:\n    trusted_proxies: ["10.0.0.0/33", "proxy.example"]\n`,
    );
    expect(problems).toHaveLength(2);
  });

  it("takes workers as a number from 1 to 64 or auto", () => {
    const workers = (value: string) =>
      problemsOf(
        `name: shop\nservices:\n  api:\n    image: redis:7\nx-slipway:\n  router:\n    workers: ${value}\n`,
      );
    expect(workers("4")).toEqual([]);
    expect(workers("auto")).toEqual([]);
    expect(workers("0")).toHaveLength(1);
    expect(workers("many")).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { project, slipway } from "./cli.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});
const make = (files: Record<string, string>) => {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
};

describe("slipway plan", () => {
  it("prints start levels and each service's strategy", () => {
    const dir = make({
      "compose.yaml": `services:
  db: { image: "postgres:16", healthcheck: { test: ["CMD", "true"] } }
  cache: { image: "redis:7" }
  api:
    image: app:1
    depends_on: { db: { condition: service_healthy }, cache: { condition: service_started } }
    deploy: { replicas: 3 }
  bot:
    image: bot:1
    depends_on: [api]
    x-slipway: { strategy: blue-green }
`,
    });
    const human = slipway(["plan"], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /level 1:\n {2}cache {2}strategy=recreate\n {2}db {2}strategy=recreate\nlevel 2:\n {2}api ×3 {2}strategy=rolling {2}after db \(healthy\), cache \(started\)\nlevel 3:\n {2}bot {2}strategy=blue-green/,
    );
    const json = JSON.parse(slipway(["plan", "--json"], { cwd: dir }).stdout);
    expect(json.levels.map((level: { name: string }[]) => level.map((s) => s.name))).toEqual([
      ["cache", "db"],
      ["api"],
      ["bot"],
    ]);
  });

  it("a dependency loop is an error that prints the loop", () => {
    const dir = make({
      "compose.yaml": `services:
  api: { image: "a:1", depends_on: [worker] }
  worker: { image: "w:1", depends_on: [api] }
`,
    });
    const result = slipway(["plan"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("E_PLAN_CYCLE");
    expect(result.stderr).toContain("api → worker → api");
    expect(result.stderr).toMatch(/compose\.yaml:2:\d+ E_PLAN_CYCLE/);
  });

  it("a dependency on an unknown or profile-disabled service is an error", () => {
    const dir = make({
      "compose.yaml": `services:
  api: { image: "a:1", depends_on: [ghost, debug] }
  debug: { image: "d:1", profiles: [debug] }
`,
    });
    const result = slipway(["plan"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('depends on "ghost", which is not defined');
    expect(result.stderr).toContain('depends on "debug", which no active profile enables');
    expect(slipway(["plan", "--profile", "debug"], { cwd: dir }).stderr).not.toContain("debug");
  });
});

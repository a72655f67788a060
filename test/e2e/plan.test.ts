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
  it("prints each service's action, reasons and steps in start levels", () => {
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
    const lines = human.stdout.split("\n").filter((line) => /^(level| {2}\S)/.test(line));
    expect(lines).toEqual([
      "level 1:",
      "  ~ cache  roll-out  strategy=recreate",
      "  ~ db  roll-out  strategy=recreate",
      "level 2:",
      "  ~ api ×3  roll-out  strategy=rolling  after db (healthy), cache (started)",
      "level 3:",
      "  ~ bot  roll-out  strategy=blue-green  after api (started)",
    ]);
    // Against an empty machine, every service is new.
    expect(human.stdout.match(/because: new service/g)).toHaveLength(4);
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

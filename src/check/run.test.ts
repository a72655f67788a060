import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LintRule, RuleHit, Severity } from "./rule.js";
import { allRules } from "./rules/index.js";
import { runChecks } from "./run.js";
import { loadCompose } from "./test-support.js";

/** A rule that reports the given paths, to test ordering without depending on real rules. */
const fake = (code: string, severity: Severity, ...paths: RuleHit["path"][]): LintRule => ({
  code,
  severity,
  title: code,
  hint: `fix ${code}`,
  check: () => paths.map((path) => ({ message: `${code} at ${path.join(".")}`, path })),
});

const COMPOSE = `
  services:
    api:
      image: acme/api:1
      ports: ["3000:3000"]
    db:
      image: postgres:16
`;
const OVERRIDE = `
  services:
    api:
      environment: { MODE: prod }
`;

describe("runChecks", () => {
  it("fills in code, severity, default hint, formatted path, service and location", () => {
    const { spec, locate, dir } = loadCompose(COMPOSE);
    const findings = runChecks(spec, { locate, isLiteral: () => true }, [
      fake("W_X", "warning", ["services", "api", "ports", 0]),
    ]);
    expect(findings).toEqual([
      {
        code: "W_X",
        severity: "warning",
        message: "W_X at services.api.ports.0",
        hint: "fix W_X",
        path: "services.api.ports[0]",
        service: "api",
        location: { file: join(dir, "compose.yaml"), line: 4, column: 13 },
      },
    ]);
  });

  it("uses a hit's own hint and leaves out service for paths outside services", () => {
    const { spec, locate } = loadCompose(COMPOSE);
    const rule: LintRule = {
      ...fake("I_X", "info"),
      check: () => [{ message: "m", path: ["x-slipway", "router"], hint: "own hint" }],
    };
    const [finding] = runChecks(spec, { locate, isLiteral: () => true }, [rule]);
    expect(finding?.hint).toBe("own hint");
    expect(finding && "service" in finding).toBe(false);
  });

  it("sorts by severity, then file in load order, then line, then code; unlocated last", () => {
    const { spec, locate } = loadCompose(COMPOSE, { "compose.override.yaml": OVERRIDE });
    const somewhere = (path: readonly (string | number)[]) =>
      path[0] === "nowhere" ? undefined : locate(path);
    const findings = runChecks(spec, { locate: somewhere, isLiteral: () => true }, [
      fake("I_A", "info", ["services", "db"]),
      fake("W_B", "warning", ["services", "api", "environment", "MODE"], ["services", "db"]),
      fake("W_A", "warning", ["services", "db", "image"], ["services", "api", "ports", 0]),
      fake("E_B", "error", ["services", "db"]),
      fake("E_A", "error", ["nowhere"], ["services", "db"]),
    ]);
    const rows = findings.map((f) => [f.code, f.path, f.location?.file.split("/").pop(), f.location?.line]);
    expect(rows).toEqual([
      ["E_A", "services.db", "compose.yaml", 6],
      ["E_B", "services.db", "compose.yaml", 6],
      ["E_A", "nowhere", undefined, undefined],
      ["W_A", "services.api.ports[0]", "compose.yaml", 4],
      ["W_A", "services.db.image", "compose.yaml", 6],
      ["W_B", "services.db", "compose.yaml", 6],
      ["W_B", "services.api.environment.MODE", "compose.override.yaml", 3],
      ["I_A", "services.db", "compose.yaml", 6],
    ]);
  });

  it("lets a rule that throws propagate", () => {
    const { spec, locate } = loadCompose(COMPOSE);
    const broken: LintRule = {
      ...fake("E_BROKEN", "error"),
      check: () => {
        throw new Error("rule bug");
      },
    };
    expect(() => runChecks(spec, { locate, isLiteral: () => true }, [broken])).toThrow("rule bug");
  });

  it("runs every rule by default, with unique codes", () => {
    const { spec, locate } = loadCompose(COMPOSE);
    const codes = runChecks(spec, { locate, isLiteral: () => true }).map((f) => `${f.code} ${f.path}`);
    expect(codes).toEqual([
      "W_CHECK_NO_HEALTHCHECK services.api",
      "W_CHECK_NO_RESTART services.api",
      "W_CHECK_NO_RESTART services.db",
      "I_CHECK_NO_LIMITS services.api",
      "I_CHECK_NO_LIMITS services.db",
    ]);
    expect(new Set(allRules.map((r) => r.code)).size).toBe(allRules.length);
  });
});

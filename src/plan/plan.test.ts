import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../manifest/load.js";
import type { AppSpec } from "../manifest/model.js";
import { draftRelease, type ReleaseDraft } from "../release/create.js";
import { NOTHING_RUNS, type ObservedInstance, type ObservedState } from "./model.js";
import { planDeploy } from "./plan.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (compose: string): AppSpec => {
  const file = join(dir, "compose.yaml");
  writeFileSync(file, compose);
  const { spec, problems } = loadManifest({ files: [file], env: {}, projectName: "shop" });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return spec;
};
const draft = (compose: string) => draftRelease(load(compose), join(dir, "artifacts"));

/** What runs after `release` was deployed and every instance is healthy. */
function running(
  release: ReleaseDraft,
  id = "r1",
  overrides: Partial<ObservedInstance>[] = [],
): ObservedState {
  const instances: ObservedInstance[] = [];
  for (const service of Object.values(release.spec.services)) {
    if (service["x-slipway"].schedule || service.deploy.mode.endsWith("-job")) continue;
    for (let index = 0; index < service.deploy.replicas; index++)
      instances.push({
        id: `shop.${service.name}.${id}.${index}`,
        service: service.name,
        release: id,
        revision: release.services[service.name]!.revision,
        state: "healthy",
        alive: true,
        ...overrides[instances.length],
      });
  }
  const artifacts = Object.fromEntries(
    Object.entries(release.services).map(([name, s]) => [name, { hash: s.revision, buildHash: s.buildHash }]),
  );
  return { active: { id, hash: release.hash, spec: release.spec, artifacts }, instances, lastJobExit: {} };
}

const summary = (plan: ReturnType<typeof planDeploy>) =>
  Object.fromEntries(plan.levels.flat().map((s) => [s.name, `${s.action}: ${s.reasons.join(", ")}`]));

const BASE = `services:
  db: { image: "postgres:16" }
  api:
    image: shop/api:1
    depends_on: [db]
    environment: { LOG_LEVEL: info }
    deploy: { replicas: 2 }
  web: { image: shop/web:1, depends_on: [api] }
`;

describe("planDeploy", () => {
  it.each([
    [
      "nothing changed",
      BASE,
      { db: "skip: unchanged: skipped", api: "skip: unchanged: skipped", web: "skip: unchanged: skipped" },
    ],
    [
      "one environment value",
      BASE.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
      { api: "roll-out: environment changed" },
    ],
    ["an image tag", BASE.replace("shop/web:1", "shop/web:2"), { web: "roll-out: image changed" }],
    [
      "a command",
      BASE.replace("web: { image: shop/web:1,", "web: { image: shop/web:1, command: [serve],"),
      { web: "roll-out: command changed" },
    ],
    ["replicas", BASE.replace("replicas: 2", "replicas: 3"), { api: "roll-out: deploy changed" }],
    ["a new service", `${BASE}  worker: { image: shop/worker:1 }\n`, { worker: "roll-out: new service" }],
  ])("against a running release, %s changes only what it touches", (_what, next, changed) => {
    const plan = planDeploy(draft(next), running(draft(BASE)));
    const expected = {
      db: "skip: unchanged: skipped",
      api: "skip: unchanged: skipped",
      web: "skip: unchanged: skipped",
      ...changed,
    };
    expect(Object.fromEntries(Object.entries(summary(plan)).filter(([k]) => k in expected))).toEqual(
      expected,
    );
  });

  it("the same content as the active release reuses it", () => {
    const release = draft(BASE);
    expect(planDeploy(draft(BASE), running(release)).release.reuses).toBe("r1");
    expect(
      planDeploy(draft(BASE.replace(": info", ": warn")), running(release)).release.reuses,
    ).toBeUndefined();
  });

  it("against an empty machine every service is new, in start order, with its strategy's steps", () => {
    const plan = planDeploy(draft(BASE), NOTHING_RUNS);
    expect(plan.levels.map((level) => level.map((s) => s.name))).toEqual([["db"], ["api"], ["web"]]);
    const api = plan.levels[1]![0]!;
    expect(api).toMatchObject({
      action: "roll-out",
      reasons: ["new service"],
      strategy: "rolling",
      replicas: 2,
    });
    expect(api.steps.map((s) => s.kind)).toEqual(["start", "shift"]);
    expect(plan.levels[0]![0]!.steps.map((s) => s.kind)).toEqual(["start", "shift"]);
  });

  it("a dead or unhealthy instance of an unchanged service is repaired in place", () => {
    const release = draft(BASE);
    const observed = running(release, "r1", [{}, { alive: false }]);
    const api = planDeploy(release, observed).levels[1]![0]!;
    expect(api.action).toBe("repair");
    expect(api.reasons).toEqual(["1 of 2 instances healthy"]);
  });

  it("services no longer in the spec are stopped", () => {
    const plan = planDeploy(draft(BASE.replace(/ {2}web: .*\n/, "")), running(draft(BASE)));
    expect(plan.removed).toEqual([{ service: "web", instances: 1 }]);
  });

  it("one-shot jobs run when changed or when their last run failed; cron jobs are scheduled, never rolled", () => {
    const compose = `services:
  migrate: { image: shop/api:1, command: [migrate] }
  api: { image: shop/api:1, depends_on: { migrate: { condition: service_completed_successfully } } }
  report: { image: shop/api:1, x-slipway: { schedule: { cron: "0 * * * *" } } }
`;
    const release = draft(compose);
    const ok = { ...running(release), lastJobExit: { migrate: 0 } };
    const failed = { ...running(release), lastJobExit: { migrate: 1 } };
    expect(summary(planDeploy(release, ok))).toMatchObject({
      migrate: "skip: unchanged: skipped (its last run succeeded)",
      report: "schedule: unchanged",
    });
    expect(summary(planDeploy(release, failed)).migrate).toBe("run-job: its last run failed");
    const next = draft(compose.replace("[migrate]", "[migrate, --all]"));
    expect(summary(planDeploy(next, ok)).migrate).toBe("run-job: command changed");
    const strategies = planDeploy(release, NOTHING_RUNS)
      .levels.flat()
      .map((s) => [s.name, s.strategy]);
    expect(Object.fromEntries(strategies)).toMatchObject({ migrate: "job", report: "cron", api: "rolling" });
  });

  it("a migration is a step of the roll-out, before its instances start", () => {
    const compose = BASE.replace(
      "    deploy: { replicas: 2 }",
      '    deploy: { replicas: 2 }\n    x-slipway: { migrate: { command: ["npm", "run", "migrate"] } }',
    );
    const api = planDeploy(draft(compose.replace(": info", ": warn")), running(draft(compose)))
      .levels[1]![0]!;
    expect(api.steps.map((s) => s.kind)).toEqual(["migrate", "start", "shift", "drain"]);
  });

  it.each([
    ["recreate", ["stop", "start", "shift"]],
    ["rolling", ["start", "shift", "drain"]],
    ["blue-green", ["start", "shift", "drain"]],
    ["canary", ["start", "shift", "drain"]],
  ])("the %s strategy's steps over a running release", (strategy, kinds) => {
    const compose = BASE.replace(
      "    deploy: { replicas: 2 }",
      `    deploy: { replicas: 2 }\n    x-slipway: { strategy: ${strategy} }`,
    );
    const api = planDeploy(draft(compose.replace(": info", ": warn")), running(draft(compose)))
      .levels[1]![0]!;
    expect(api.steps.map((s) => s.kind)).toEqual(kinds);
  });

  it("shows the push of a swarm release's image to x-slipway.registry, before migrations and the update", () => {
    const compose = (registry: string) =>
      `services:\n  api:\n    build: .\n    x-slipway:\n      migrate: "npm run migrate"\n  cache:\n    image: redis:7\nx-slipway:\n  target: swarm\n${registry}`;
    const plan = planDeploy(draft(compose("  registry: 127.0.0.1:5000/team\n")), NOTHING_RUNS);
    const steps = Object.fromEntries(
      plan.levels.flat().map((s) => [s.name, s.steps.map((step) => step.kind)]),
    );
    expect(steps.api?.slice(0, 3)).toEqual(["build", "push", "migrate"]);
    expect(steps.cache?.[0]).toBe("push");
    const api = plan.levels.flat().find((s) => s.name === "api")!;
    expect(api.steps[1]?.detail).toContain("127.0.0.1:5000/team");
    const without = planDeploy(draft(compose("")), NOTHING_RUNS);
    expect(without.levels.flat().flatMap((s) => s.steps.map((step) => step.kind))).not.toContain("push");
  });
});

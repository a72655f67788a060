import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadManifest } from "../../../manifest/load.js";
import type { Deploy, Instance } from "../../../state/index.js";
import { type AlertFacts, diskFigures, type NewestEvent, type ProjectFacts, settingsOf } from "../facts.js";
import { ErrorRateRule } from "./error-rate.js";
import { evaluateRules } from "./index.js";

const NOW = Date.parse("2030-06-01T12:00:00Z");
const HOUR = 3_600_000;

function spec(alerts = "") {
  const dir = mkdtempSync(join(tmpdir(), "slipway-rules-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "compose.yaml"),
    `name: shop
services:
  api: { image: node:20 }
  db:
    image: postgres:16
    x-slipway: { backups: { schedule: "0 3 * * *" } }
  report:
    image: node:20
    x-slipway: { schedule: "0 * * * *" }
${alerts}`,
  );
  const loaded = loadManifest({ cwd: dir, env: {} });
  expect(loaded.spec, JSON.stringify(loaded.problems)).toBeDefined();
  return loaded.spec!;
}

function facts(
  project: Partial<ProjectFacts> & { events?: Record<string, NewestEvent> },
  extra: Partial<AlertFacts> = {},
): AlertFacts {
  const s = project.spec ?? spec();
  const events = project.events ?? {};
  return {
    now: NOW,
    projects: [
      {
        project: "shop",
        spec: s,
        activeSince: NOW - HOUR,
        instances: [],
        lastDeploy: undefined,
        newest: (service, kind) => events[`${service} ${kind}`],
        settings: settingsOf(s),
        traffic: [],
        latency: [],
        ...project,
      },
    ],
    certificates: [],
    disks: [],
    machine: settingsOf(s),
    ...extra,
  };
}

const instance = (service: string, state: Instance["state"], secondsAgo = 60): Instance =>
  ({
    id: `shop.${service}.r1.0`,
    project: "shop",
    service,
    state,
    restarts: 7,
    lastExitCode: 2,
    updatedAt: NOW - secondsAgo * 1000,
  }) as Instance;
const rules = (f: AlertFacts) => evaluateRules(f).map((c) => `${c.rule} ${c.key}`);

describe("the built-in alert rules", () => {
  it("find instances down or in a crash loop, never a scheduled job's", () => {
    const f = facts({
      instances: [instance("api", "crashloop"), instance("db", "exited"), instance("report", "exited")],
    });
    expect(rules(f)).toEqual(["crash_loop crash_loop:shop/api", "instance_down instance_down:shop/db"]);
    // An exit its restart policy is about to answer is not "down".
    expect(rules(facts({ instances: [instance("db", "exited", 3)] }))).toEqual([]);
  });

  it("hold a crash loop while its instance restarts between crashes, and let it go 5 minutes after", () => {
    const looped = (minutesAgo: number) => ({
      "api instance.crashloop": { ts: NOW - minutesAgo * 60_000, message: "" },
    });
    expect(rules(facts({ instances: [instance("api", "running")], events: looped(2) }))).toEqual([
      "crash_loop crash_loop:shop/api",
    ]);
    expect(rules(facts({ instances: [instance("api", "healthy")], events: looped(6) }))).toEqual([]);
  });

  it("find a failed or rolled-back newest deploy, and nothing once one succeeded", () => {
    const deploy = (status: Deploy["status"]) =>
      ({
        kind: "deploy",
        status,
        releaseId: "r4",
        error: { code: "E_DEPLOY_UNHEALTHY", message: "web exited" },
      }) as Deploy;
    expect(evaluateRules(facts({ lastDeploy: deploy("rolled-back") }))).toMatchObject([
      { rule: "deploy_failed", summary: "shop: deploy of r4 rolled-back: E_DEPLOY_UNHEALTHY web exited" },
    ]);
    expect(rules(facts({ lastDeploy: deploy("succeeded") }))).toEqual([]);
  });

  it("find a failed backup, a failed verification and a stale backup until a newer success", () => {
    const at = (hoursAgo: number, message = "x") => ({ ts: NOW - hoursAgo * HOUR, message });
    expect(
      rules(
        facts({
          events: { "db backup.created": at(5), "db backup.failed": at(1), "db backup.verify-failed": at(2) },
        }),
      ),
    ).toEqual(["backup_failed backup_failed:shop/db", "verification_failed verification_failed:shop/db"]);
    expect(
      rules(
        facts({
          events: {
            "db backup.created": at(1),
            "db backup.failed": at(5),
            "db backup.verified": at(0.5),
            "db backup.verify-failed": at(2),
          },
        }),
      ),
    ).toEqual([]);
    // Daily schedule + 1 h grace: 26 h without a backup is stale, 24 h is not.
    expect(rules(facts({ events: { "db backup.created": at(26) } }))).toEqual([
      "backup_stale backup_stale:shop/db",
    ]);
    expect(rules(facts({ events: { "db backup.created": at(24) } }))).toEqual([]);
    expect(rules(facts({ activeSince: NOW - 30 * HOUR }))).toEqual(["backup_stale backup_stale:shop/db"]);
  });

  it("find certificates expiring within the configured days and disks over the configured percent", () => {
    const s = spec("x-slipway:\n  alerts: { certificate_days: 10, disk_percent: 50 }\n");
    const cert = (days: number) => ({
      domains: [`d${days}.test`],
      source: "acme",
      notAfter: new Date(NOW + days * 86_400_000),
    });
    const f = facts(
      { spec: s },
      {
        certificates: [cert(30), cert(9), cert(-1)],
        disks: [
          { path: "/home", project: "", usedPercent: 60 },
          { path: "/vol", project: "shop", usedPercent: 40 },
        ],
        machine: settingsOf(s),
      },
    );
    expect(evaluateRules(f).map((c) => [c.rule, c.severity, c.summary.split(" (")[0]])).toEqual([
      ["certificate_expiring", "warning", "certificate for d9.test"],
      ["certificate_expiring", "critical", "certificate for d-1.test"],
      ["disk_full", "warning", "/home is 60.0% full"],
    ]);
  });

  it("leave out the rules a project turned off", () => {
    const s = spec("x-slipway:\n  alerts: { disabled: [instance_down] }\n");
    expect(rules(facts({ spec: s, instances: [instance("api", "exited")] }))).toEqual([]);
  });

  it("measure each filesystem once", () => {
    const figures = diskFigures([
      { path: tmpdir(), project: "" },
      { path: tmpdir(), project: "shop" },
      { path: "/nonexistent/slipway", project: "x" },
    ]);
    expect(figures).toHaveLength(1);
    expect(figures[0]!.usedPercent).toBeGreaterThan(0);
  });
});

describe("the error_rate rule", () => {
  it("fires on the share of failed requests over the window, and starts afresh when counters go back", () => {
    const s = spec(`x-slipway:
  alerts: { error_rate: { percent: 10, window: 1m, min_requests: 10 } }
`);
    const rule = new ErrorRateRule();
    const at = (seconds: number, requests: number, errors: number) =>
      rule
        .evaluate({
          ...facts({ spec: s, traffic: [{ service: "api", requests, errors }] }),
          now: NOW + seconds * 1000,
        })
        .map((c) => c.summary);
    expect(at(0, 1000, 500)).toEqual([]); // no window yet: the past before the first look is not judged
    expect(at(30, 1005, 505)).toEqual([]); // 5 requests: too few to say
    expect(at(60, 1100, 512)).toEqual([
      "shop/api: 12.0% of 100 requests failed in the last 60 s (alert above 10%)",
    ]);
    expect(at(90, 1200, 514)).toEqual([]); // 9 of 195 since 30 s
    expect(at(120, 1300, 600)).toEqual([
      "shop/api: 44.0% of 200 requests failed in the last 60 s (alert above 10%)",
    ]);
    expect(at(130, 20, 20)).toEqual([]); // the router restarted: a new window begins
    expect(at(140, 40, 40)).toEqual([
      "shop/api: 100.0% of 20 requests failed in the last 10 s (alert above 10%)",
    ]);
  });
});

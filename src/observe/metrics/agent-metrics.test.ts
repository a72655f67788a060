import { describe, expect, it } from "vitest";
import { openTestState, sampleRelease } from "../../state/test-support.js";
import { AgentMetrics } from "./agent-metrics.js";
import { scheduleLagSeconds } from "./snapshot.js";
import type { BackupFigure, MetricsSource } from "./source.js";

/** The value of one sample line of the exposition, e.g. `slipway_deploys_total{project="shop",…}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function setup(backups: BackupFigure[] = []) {
  let clock = 1_700_000_000_000;
  const store = openTestState(undefined, { now: () => clock });
  const source: MetricsSource = {
    store,
    projects: () => ["shop"],
    cronOf: (_project, service) => (service === "report" ? "*/5 * * * *" : undefined),
    backups: async () => backups,
    certificates: async () => [
      { domains: ["shop.test", "www.shop.test"], source: "acme", notAfter: new Date(1_800_000_000_000) },
    ],
  };
  const advance = (ms: number) => {
    clock += ms;
  };
  return { store, metrics: new AgentMetrics(source), advance };
}

describe("the agent's metrics", () => {
  it("count finished deploys once each, with their duration, and not a running one", async () => {
    const { store, metrics, advance } = setup();
    const r1 = store.insertRelease(sampleRelease("shop"));
    const first = store.startDeploy({ project: "shop", releaseId: r1.id, kind: "deploy" }).deploy;
    advance(12_000);
    store.finishDeploy(first.id, "succeeded");
    const second = store.startDeploy({ project: "shop", releaseId: r1.id, kind: "deploy" }).deploy;
    let text = await metrics.scrape();
    expect(sample(text, 'slipway_deploys_total{project="shop",kind="deploy",outcome="succeeded"}')).toBe(1);
    expect(
      sample(text, 'slipway_deploy_duration_seconds_sum{project="shop",kind="deploy",outcome="succeeded"}'),
    ).toBe(12);
    advance(3000);
    store.finishDeploy(second.id, "rolled-back", { code: "E_DEPLOY_UNHEALTHY" });
    text = await metrics.scrape();
    text = await metrics.scrape();
    expect(sample(text, 'slipway_deploys_total{project="shop",kind="deploy",outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'slipway_deploys_total{project="shop",kind="deploy",outcome="rolled-back"}')).toBe(1);
  });

  it("count exits, crash loops, failed health checks and backup failures from events", async () => {
    const { store, metrics } = setup();
    const event = (kind: string, level: "info" | "warning" | "error" = "warning") =>
      store.addEvent({ project: "shop", service: "api", kind, level, message: kind });
    event("instance.exited");
    event("instance.exited");
    await metrics.scrape();
    event("instance.exited");
    event("instance.crashloop", "error");
    event("instance.unhealthy");
    event("backup.failed", "error");
    event("backup.verified", "info");
    const text = await metrics.scrape();
    expect(sample(text, 'slipway_instance_exits_total{project="shop",service="api"}')).toBe(3);
    expect(sample(text, 'slipway_crashloops_total{project="shop",service="api"}')).toBe(1);
    expect(sample(text, 'slipway_health_check_failures_total{project="shop",service="api"}')).toBe(1);
    expect(
      sample(text, 'slipway_backup_failures_total{project="shop",service="api",kind="backup.failed"}'),
    ).toBe(1);
  });

  it("show instances by state, job runs by outcome and schedule lag", async () => {
    const { store, metrics, advance } = setup();
    const r1 = store.insertRelease(sampleRelease("shop"));
    for (const [index, state] of (["healthy", "healthy", "crashloop"] as const).entries())
      store.upsertInstance({
        id: `shop.api.${r1.id}.${index}`,
        project: "shop",
        service: "api",
        releaseId: r1.id,
        serviceHash: "h",
        index,
        pid: 100 + index,
        startTime: "1",
        startedAt: 0,
        port: null,
        state,
        restarts: index,
        lastExitCode: null,
      });
    // A scheduled run due at :05:00 that started 2.5 s late and failed.
    advance(Date.parse("2030-01-01T00:05:02.500Z") - 1_700_000_000_000);
    const run = store.startJobRun({ project: "shop", service: "report", releaseId: r1.id, kind: "schedule" });
    advance(4000);
    store.finishJobRun(run.id, { exitCode: 3 });
    const text = await metrics.scrape();
    expect(sample(text, 'slipway_instances{project="shop",service="api",state="healthy"}')).toBe(2);
    expect(sample(text, 'slipway_instances{project="shop",service="api",state="crashloop"}')).toBe(1);
    expect(
      sample(text, `slipway_instance_restarts{project="shop",service="api",instance="shop.api.${r1.id}.2"}`),
    ).toBe(2);
    expect(
      sample(
        text,
        'slipway_job_runs_total{project="shop",service="report",kind="schedule",outcome="failed"}',
      ),
    ).toBe(1);
    expect(sample(text, 'slipway_schedule_lag_seconds{project="shop",service="report"}')).toBe(2.5);
    expect(
      sample(
        text,
        'slipway_certificate_expiry_timestamp_seconds{domains="shop.test,www.shop.test",source="acme"}',
      ),
    ).toBe(1_800_000_000);
  });

  it("show each service's newest backup and its newest verification", async () => {
    const { metrics } = setup([
      { service: "db", createdAt: 1_000_000, size: 10, verified: "ok", verifiedAt: 1_500_000 },
      { service: "db", createdAt: 2_000_000, size: 20, verified: "failed", verifiedAt: 2_500_000 },
      { service: "db", createdAt: 3_000_000, size: 30, verified: null, verifiedAt: null },
    ]);
    const text = await metrics.scrape();
    expect(sample(text, 'slipway_backup_last_success_timestamp_seconds{project="shop",service="db"}')).toBe(
      3000,
    );
    expect(sample(text, 'slipway_backup_last_size_bytes{project="shop",service="db"}')).toBe(30);
    expect(sample(text, 'slipway_backup_last_verification_success{project="shop",service="db"}')).toBe(0);
  });

  it("measure schedule lag from the cron time before the start", () => {
    expect(scheduleLagSeconds("*/5 * * * * *", Date.parse("2030-01-01T00:00:07.250Z"))).toBe(2.25);
    expect(scheduleLagSeconds("0 * * * *", Date.parse("2030-01-01T03:00:00.000Z"))).toBe(0);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, load } from "./http.js";
import { finished, freePort, PATIENT, type Sandbox, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** A one-replica `web` service on a published port; `extra` goes at the end of the service. */
const web = (port: number, version: string, extra = "") => webCompose(port, { APP_VERSION: version }, extra);

async function deployV1(s: Sandbox, port: number) {
  const first = await s.cli(["deploy"]);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  const v1 = await answer(port);
  expect(v1.version).toBe("v1");
  return v1;
}

/** After a failed deploy: r1 still serves, from the same process, which is the only one running. */
async function expectOldReleaseServing(s: Sandbox, port: number, pid: number) {
  expect(await answer(port)).toMatchObject({ version: "v1", pid });
  const ps = await s.ps();
  expect(ps.release).toBe("r1");
  expect(ps.instances.filter((i) => i.service === "web").map((i) => [i.release, i.state, i.pid])).toEqual([
    ["r1", "healthy", pid],
  ]);
  expect(s.servicePids()).toEqual([pid]);
}

describe.concurrent("a deploy that fails", PATIENT, () => {
  it("rolls back a version that never becomes healthy while the old one answers every request", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": web(port, "v1") });
    const v1 = await deployV1(s, port);

    s.write({
      "compose.yaml": web(
        port,
        "v2",
        `    healthcheck:
      test: ["CMD", "node", "-e", "console.error('not ready: no database'); process.exit(1)"]
      interval: 300ms
      timeout: 2s
      retries: 2
`,
      ),
    });
    const deploy = s.start(["deploy", "--json"]);
    let done = false;
    void deploy.done.then(() => {
      done = true;
    });
    const report = await load(port, () => done, { maxRequests: 3000, maxMs: 45_000 });
    const result = await deploy.done;
    expect(result.code).toBe(1);
    const end = finished(result.stdout);
    expect(end.status).toBe("rolled-back");
    expect(end.error?.code).toBe("E_DEPLOY_UNHEALTHY");
    expect(end.error?.message).toMatch(
      /^web: healthcheck `node -e .*` failed \d+ times; last output: exit 1: not ready: no database/,
    );
    expect(report.failures).toEqual([]);
    expect(report.sent).toBeGreaterThan(10);
    expect(Object.keys(report.versions)).toEqual(["v1"]);
    await expectOldReleaseServing(s, port, v1.pid);
    const { releases, deploys } = await s.releases();
    expect(releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "failed"],
      ["r1", "active"],
    ]);
    expect(deploys[0]).toMatchObject({ releaseId: "r2", status: "rolled-back" });

    // A version whose process exits at start fails with what it printed.
    s.write({ "compose.yaml": web(port, "v3", `      EXIT_AT_START: "DATABASE_URL is not set"\n`) });
    const crashing = await s.cli(["deploy"]);
    expect(crashing.code).toBe(1);
    expect(crashing.stderr).toContain("E_DEPLOY_UNHEALTHY web exited with code 1 before it became ready");
    expect(crashing.stderr).toContain("fatal: DATABASE_URL is not set");
    await expectOldReleaseServing(s, port, v1.pid);
  });

  it("stops at a failing migration or one-shot job, and the old release keeps serving", async () => {
    const port = await freePort();
    const withSetup = (version: string, setupExit: number, migrate = "") => `name: \${E2E_PROJECT}
services:
  setup:
    build: ./app
    command: ["node", "-e", "console.log('seeding'); process.exit(${setupExit})"]
  web:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: ${version}
    depends_on:
      setup: { condition: service_completed_successfully }
${migrate}`;
    const s = sandbox({ "compose.yaml": withSetup("v1", 0) });
    const v1 = await deployV1(s, port);

    s.write({
      "compose.yaml": withSetup(
        "v2",
        0,
        `    x-slipway:
      migrate: "node -e \\"console.error('relation users already exists'); process.exit(3)\\""
`,
      ),
    });
    const migration = await s.cli(["deploy", "--json"]);
    expect(migration.code).toBe(1);
    const migrationEnd = finished(migration.stdout);
    expect(migrationEnd.error?.code).toBe("E_DEPLOY_MIGRATION_FAILED");
    expect(migrationEnd.error?.message).toContain("migration of web");
    expect(migrationEnd.error?.message).toContain("exited with 3");
    expect(migrationEnd.error?.message).toContain("relation users already exists");
    await expectOldReleaseServing(s, port, v1.pid);

    s.write({ "compose.yaml": withSetup("v3", 4) });
    const job = await s.cli(["deploy", "--json"]);
    expect(job.code).toBe(1);
    const jobEnd = finished(job.stdout);
    expect(jobEnd.error?.code).toBe("E_DEPLOY_JOB_FAILED");
    expect(jobEnd.error?.message).toContain("setup exited with 4");
    expect(jobEnd.error?.message).toContain("seeding");
    await expectOldReleaseServing(s, port, v1.pid);
    expect((await s.releases()).releases.map((r) => [r.id, r.status])).toEqual([
      ["r3", "failed"],
      ["r2", "failed"],
      ["r1", "active"],
    ]);
  });

  it("refuses a second deploy while one is running", async () => {
    const port = await freePort();
    const s = sandbox({});
    const ready = join(s.root, "ready");
    // The first deploy waits for web, which listens only once the file "ready" exists.
    s.write({ "compose.yaml": web(port, "v1", `      READY_FILE: ${ready}\n`) });
    const slow = s.start(["deploy", "--json"]);
    await slow.waitForEvent((e) => e.type === "service" && e.phase === "health");
    const second = await s.cli(["deploy"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("E_DEPLOY_IN_PROGRESS");
    writeFileSync(ready, "");
    const first = await slow.done;
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");
    expect((await s.releases()).releases.map((r) => r.id)).toEqual(["r1"]);
  });

  it("applies update_config: batches of `parallelism`, and failure_action pause or continue", async () => {
    const port = await freePort();
    const service = (failureAction: string) =>
      webCompose(
        port,
        { APP_VERSION: `\${WEB_VERSION:-v1}`, EXIT_AT_START: `\${FAIL:-}`, EXIT_AT_START_INDEX: '"2"' },
        `    deploy:
      replicas: 4
      update_config: { parallelism: 2, order: start-first, failure_action: ${failureAction} }
`,
      );
    const s = sandbox({ "compose.yaml": service("pause"), "continue.yaml": service("continue") });
    expect((await s.cli(["deploy"])).code).toBe(0);

    // Two at a time: both instances of a batch start before either is checked.
    const v2 = await s.cli(["deploy", "--json"], { WEB_VERSION: "v2" });
    expect(v2.code, v2.stdout + v2.stderr).toBe(0);
    const phases = v2.stdout
      .split("\n")
      .filter((line) => line.includes('"service":"web"'))
      .map((line) => JSON.parse(line) as { phase: string; detail?: string })
      .filter((e) => e.phase === "starting" || e.phase === "health")
      .map((e) => `${e.phase} ${e.detail}`);
    expect(phases.slice(0, 2).sort()).toEqual(["starting instance 1", "starting instance 2"]);

    // pause: the third instance fails; the others are on v3, the third stays on v2.
    const paused = await s.cli(["deploy", "--json"], {
      WEB_VERSION: "v3",
      FAIL: "broken",
    });
    expect(paused.code).toBe(1);
    expect(finished(paused.stdout)).toMatchObject({ status: "failed", error: { code: "E_DEPLOY_PAUSED" } });
    const afterPause = (await s.ps()).instances.map((i) => i.release);
    expect(afterPause).toEqual(["r3", "r3", "r2", "r3"]);

    // continue: the failing instance is skipped and its old instance keeps serving; the rest move on.
    const went = await s.cli(["deploy", "-f", "continue.yaml", "--json"], {
      WEB_VERSION: "v4",
      FAIL: "broken",
    });
    expect(went.code, went.stdout + went.stderr).toBe(0);
    const afterContinue = (await s.ps()).instances;
    expect(afterContinue.filter((i) => i.release !== "r4")).toHaveLength(1);
    expect(afterContinue.filter((i) => i.release === "r4" && i.state === "healthy")).toHaveLength(3);
    expect(["v4", "v2", "v3"]).toContain((await answer(port)).version);
  });
});

import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/network/ports.js";
import { get, load } from "./http.js";
import { isAlive } from "./procs.js";
import { LOOPBACK, liveApp, WatchedSocket } from "./router-support.js";
import { finished, PATIENT, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** A sandbox running test/e2e/apps/live behind the builtin router on free loopback ports. */
async function routedApp(options: { service?: string; environment?: string } = {}) {
  const http = await freePort();
  const s = sandbox({ "compose.yaml": liveApp({ http, https: await freePort(), ...options }) });
  s.copyApp("live", "live");
  const first = await s.cli(["deploy"], LOOPBACK);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  return { s, http };
}

const versionOf = async (port: number) => {
  const answer = await get(port);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { version: string }).version;
};

describe.concurrent("the builtin router through slipway", PATIENT, () => {
  it("keeps a WebSocket working through a deploy and closes it with 1001 only after drain_timeout", async () => {
    // The app cuts its WebSockets on SIGTERM: a clean 1001 can only come from the router's drain.
    const { s, http } = await routedApp({
      environment: "      TERM_WEBSOCKETS: cut\n",
      service: "      drain_timeout: 3s\n      routes: [{ path: / }]\n",
    });
    const socket = new WatchedSocket(`ws://127.0.0.1:${http}/ws`);
    await socket.opened;

    const deploy = s.start(["deploy", "--json"], { ...LOOPBACK, APP_VERSION: "v2" });
    let deployed = false;
    void deploy.done.then(() => {
      deployed = true;
    });
    const firstV2 = { at: 0 };
    const watchV2 = async () => {
      while (!deployed && firstV2.at === 0) {
        const answer = await get(http).catch(() => undefined);
        if (answer?.body.includes('"v2"')) firstV2.at = Date.now();
      }
    };
    const [report] = await Promise.all([
      load(http, () => deployed, { maxRequests: 4000, maxMs: 60_000 }),
      socket.pingUntilClosed(100, 60_000),
      watchV2(),
    ]);
    const result = await deploy.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(finished(result.stdout).status).toBe("succeeded");
    expect(report.failures).toEqual([]);
    expect(report.versions.v2).toBeGreaterThan(0);

    expect(socket.error).toBeUndefined();
    expect(socket.closed?.code).toBe(1001);
    // It kept answering (the old version) after the new version served, and was closed a drain later.
    expect(firstV2.at).toBeGreaterThan(0);
    const echoes = socket.messages.filter((m) => m.text.startsWith("v1:ping"));
    expect(echoes.some((m) => m.at > firstV2.at)).toBe(true);
    expect(socket.closed!.at - firstV2.at).toBeGreaterThanOrEqual(2500);
    expect(await versionOf(http)).toBe("v2");
  });

  it("aborts a canary whose new version fails requests and sends all traffic back to stable", async () => {
    const { s, http } = await routedApp({
      service: `      strategy: canary
      canary:
        steps: [{ weight: 50, pause: 3s }]
        analysis: { max_error_rate: 0.05, min_requests: 5 }
      routes: [{ path: / }]
`,
    });
    const deploy = s.start(["deploy"], { ...LOOPBACK, APP_VERSION: "v2", FAIL_RATE: "1" });
    let deployed = false;
    void deploy.done.then(() => {
      deployed = true;
    });
    const report = await load(http, () => deployed, { maxRequests: 4000, maxMs: 60_000 });
    const result = await deploy.done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("E_CANARY_FAILED");
    expect(result.stderr).toMatch(/canary of web aborted: canary error rate/);
    // The canary answered some of the load with its 500s before the analysis stopped it.
    expect(report.failures.some((f) => f.startsWith("HTTP 500"))).toBe(true);

    const ps = await s.ps();
    expect(ps.instances.map((i) => [i.release, i.state])).toEqual([
      ["r1", "healthy"],
      ["r1", "healthy"],
    ]);
    const releases = await s.releases();
    expect(releases.releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "failed"],
      ["r1", "active"],
    ]);
    expect(releases.deploys[0]).toMatchObject({ releaseId: "r2", status: "rolled-back" });
    const after = await load(http, () => false, { maxRequests: 40 });
    expect(after.failures).toEqual([]);
    expect(after.versions).toEqual({ v1: 40 });
  });

  // The test's own expect: in a concurrent suite the global one can lose track of which test polls.
  it("keeps serving when the agent is killed with SIGKILL", async ({ expect }) => {
    const { s, http } = await routedApp();
    const agent = s.agentPid();
    expect(agent).toBeDefined();
    process.kill(agent!, "SIGKILL");
    await expect.poll(() => isAlive(agent!)).toBe(false);
    const router = Number(readFileSync(join(s.home, "router.pid"), "utf8").split(" ")[0]);
    expect(isAlive(router)).toBe(true);
    const report = await load(http, () => false, { maxRequests: 200, maxMs: 30_000 });
    expect(report.failures).toEqual([]);
    expect(report.versions).toEqual({ v1: 200 });
  });

  it("answers 503 with a page and Retry-After in maintenance mode, and serves again after it", async () => {
    const { s, http } = await routedApp();
    expect(await versionOf(http)).toBe("v1");
    const bad = await s.cli(["maintenance", "on", "--retry-after", "soon"], LOOPBACK);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("E_CLI_USAGE");

    const on = await s.cli(
      ["maintenance", "on", "--retry-after", "120", "--message", "Back at <b>14:00</b>"],
      LOOPBACK,
    );
    expect(on.code, on.stdout + on.stderr).toBe(0);
    const page = await get(http);
    expect(page.status).toBe(503);
    expect(page.body).toContain("Back at &#60;b&#62;14:00&#60;/b&#62;");
    const head = await new Promise<Record<string, unknown>>((resolve, reject) =>
      request({ host: "127.0.0.1", port: http, path: "/", agent: false }, (response) => {
        response.resume();
        resolve(response.headers);
      })
        .on("error", reject)
        .end(),
    );
    expect(head["retry-after"]).toBe("120");

    const off = await s.cli(["maintenance", "off"], LOOPBACK);
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect(await versionOf(http)).toBe("v1");
  });
});

import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/network/ports.js";
import { load } from "./http.js";
import { isAlive } from "./procs.js";
import { LOOPBACK, liveApp, stopNginxOf } from "./router-support.js";
import { PATIENT, type Sandbox, sandboxPerTest } from "./sandbox.js";

const used: Sandbox[] = [];
// Registered before sandboxPerTest's cleanup, so it runs after it (after-hooks run in reverse).
afterAll(() => stopNginxOf(used), 30_000);
const sandbox = sandboxPerTest();

const masterPid = (s: Sandbox) => Number(readFileSync(join(s.home, "nginx", "nginx.pid"), "utf8").trim());
const title = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");

describe("x-slipway.router.driver: nginx through slipway", PATIENT, () => {
  it("serves a deploy through Debian's nginx, and keeps the old config serving when nginx refuses a new one", async () => {
    const [http, https] = [await freePort(), await freePort()];
    const compose = (service?: string) =>
      liveApp({ http, https, router: "driver: nginx", ...(service ? { service } : {}) });
    const s = sandbox({ "compose.yaml": compose() });
    used.push(s);
    s.copyApp("live", "live");
    const first = await s.cli(["deploy"], LOOPBACK);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const master = masterPid(s);
    expect(isAlive(master)).toBe(true);
    expect(title(master)).toMatch(/^nginx: master process \/usr\/sbin\/nginx/);
    const served = await load(http, () => false, { maxRequests: 40 });
    expect(served.failures).toEqual([]);
    expect(served.versions).toEqual({ v1: 40 });
    const liveConfig = readFileSync(join(s.home, "nginx", "nginx.conf"), "utf8");
    expect(liveConfig).toContain(`listen 127.0.0.1:${http}`);

    // A realistic refusal: the manifest adds an HTTPS route whose port something else holds.
    // `nginx -t` accepts the file (it does not bind); the reload fails on bind() and nginx keeps
    // its old workers. No manifest produces a syntactically invalid file: values are validated first.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(https, "127.0.0.1", resolve));
    try {
      s.write({
        "compose.yaml": compose("      routes: [{ domains: [app.test], path: /, tls: self-signed }]\n"),
      });
      const deploy = s.start(["deploy"], { ...LOOPBACK, APP_VERSION: "v2" });
      let deployed = false;
      void deploy.done.then(() => {
        deployed = true;
      });
      const during = await load(http, () => deployed, { maxRequests: 4000, maxMs: 90_000 });
      const result = await deploy.done;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("E_NGINX_CONFIG_INVALID");
      expect(result.stderr).toMatch(new RegExp(`bind\\(\\) to 127\\.0\\.0\\.1:${https} failed`));
      expect(during.failures).toEqual([]);
    } finally {
      squatter.close();
    }
    expect(masterPid(s)).toBe(master);
    expect(readFileSync(join(s.home, "nginx", "nginx.conf"), "utf8")).not.toContain(`:${https}`);
    const after = await load(http, () => false, { maxRequests: 40 });
    expect(after.failures).toEqual([]);
    expect(after.versions).toEqual({ v1: 40 });
    expect((await s.releases()).releases.find((r) => r.status === "active")?.id).toBe("r1");
    // The rollback published from the stable spec, so it could retire the new version's instance.
    expect((await s.ps()).instances.map((i) => [i.release, i.state])).toEqual([
      ["r1", "healthy"],
      ["r1", "healthy"],
    ]);
  });

  it("analyses a canary on nginx's own figures: a failing new version is aborted, all traffic back on stable", async () => {
    const [http, https] = [await freePort(), await freePort()];
    const s = sandbox({
      "compose.yaml": liveApp({
        http,
        https,
        router: "driver: nginx",
        service: `      strategy: canary
      canary:
        steps: [{ weight: 50, pause: 3s }]
        analysis: { max_error_rate: 0.05, min_requests: 5, on_inconclusive: abort }
      routes: [{ path: / }]
`,
      }),
    });
    used.push(s);
    s.copyApp("live", "live");
    const first = await s.cli(["deploy"], LOOPBACK);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const deploy = s.start(["deploy"], { ...LOOPBACK, APP_VERSION: "v2", FAIL_RATE: "1" });
    let deployed = false;
    void deploy.done.then(() => {
      deployed = true;
    });
    const report = await load(http, () => deployed, { maxRequests: 4000, maxMs: 60_000 });
    const result = await deploy.done;
    expect(result.code).not.toBe(0);
    // Failed on its figures, not inconclusive for want of them.
    expect(result.stderr).toContain("E_CANARY_FAILED");
    expect(result.stderr).toMatch(/canary of web aborted: canary error rate/);
    expect(report.failures.some((f) => f.startsWith("HTTP 500"))).toBe(true);
    expect((await s.releases()).releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "failed"],
      ["r1", "active"],
    ]);
    const after = await load(http, () => false, { maxRequests: 40 });
    expect(after.failures).toEqual([]);
    expect(after.versions).toEqual({ v1: 40 });
  });
});

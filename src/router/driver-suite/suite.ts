import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../network/ports.js";
import { config, httpRoute, send, set } from "../http/test-support.js";
import type { HttpRoute, RouterConfig } from "../model.js";
import { getTls, makeCertificate } from "../nginx/test-support.js";
import { type Backend, openSocket, startBackend } from "./backends.js";
import { describeRouterHardening } from "./hardening.js";
import type { DriverUnderTest } from "./under-test.js";

const ROUTE = "shop/api/0";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What every router driver does, against its real data plane and real HTTP and WebSocket servers
 * on loopback: weights, drain, WebSockets, TLS, per-version figures. Run by one test file per driver.
 */
export function describeRouterDriver(
  name: string,
  start: () => Promise<DriverUnderTest>,
  /** Added to every configuration the suite applies (`workers: 2` runs it all on several workers). */
  base: Partial<RouterConfig> = {},
): void {
  // The hardening checks take no base configuration: run once per driver, not again per variant.
  if (Object.keys(base).length === 0) describeRouterHardening(name, start);
  describe(`router driver suite: ${name}`, () => {
    let under: DriverUnderTest;
    const backends: Backend[] = [];
    let port = 0;
    let generation = 1;
    const backend = async (...args: Parameters<typeof startBackend>) => {
      const started = await startBackend(...args);
      backends.push(started);
      return started;
    };
    const apply = (route: HttpRoute, extra: Partial<RouterConfig> = {}) =>
      under.driver.apply(
        config([route], { ...base, generation: generation++, http: { host: "127.0.0.1", port }, ...extra }),
      );
    const body = async (path = "/") => (await send(port, path)).body;

    beforeEach(async () => {
      under = await start();
      port = await freePort();
    });
    afterEach(async () => {
      await under.cleanup();
      for (const started of backends.splice(0)) await started.close();
    });

    it("honours weights between versions, and weight 0 takes nothing", async () => {
      const [v1, v2] = [await backend("v1"), await backend("v2")];
      await apply(httpRoute(ROUTE, [set("v1", 75, [v1.upstream()]), set("v2", 25, [v2.upstream()])]));
      const answers: string[] = [];
      for (let i = 0; i < 40; i++) answers.push(await body());
      const v2Share = answers.filter((answer) => answer.startsWith("v2:")).length;
      expect(v2Share).toBeGreaterThanOrEqual(8);
      expect(v2Share).toBeLessThanOrEqual(12);
      await apply(httpRoute(ROUTE, [set("v1", 0, [v1.upstream()]), set("v2", 100, [v2.upstream()])]));
      for (let i = 0; i < 5; i++) expect(await body()).toBe("v2:/");
    });

    it("drains: a slow request on a draining instance finishes, new ones go elsewhere, in-flight reaches 0", async () => {
      const a = await backend("a", (_req, res) => setTimeout(() => res.end("a-slow"), 800));
      const b = await backend("b");
      await apply(httpRoute(ROUTE, [set("r1", 100, [a.upstream()])]));
      const slow = send(port, "/slow");
      await expect.poll(() => under.driver.inFlight(a.upstream()), { timeout: 3_000 }).toBeGreaterThan(0);
      await apply(httpRoute(ROUTE, [set("r1", 100, [a.upstream("draining"), b.upstream()])]));
      for (let i = 0; i < 3; i++) expect(await body("/new")).toBe("b:/new");
      expect(await slow).toMatchObject({ status: 200, body: "a-slow" });
      await expect.poll(() => under.driver.inFlight(a.upstream()), { timeout: 5_000 }).toBe(0);
      expect(await under.driver.inFlight(b.upstream())).toBeGreaterThanOrEqual(0);
    });

    it("proxies a WebSocket, keeps it while its instance drains, and ends it with 1001", async () => {
      const [a, b] = [await backend("a"), await backend("b")];
      const route = (sets: HttpRoute["sets"]) => httpRoute(ROUTE, sets, { drainTimeoutMs: 500 });
      await apply(route([set("r1", 100, [a.upstream()])]));
      const live = await openSocket(port);
      expect(await live.ask("hello")).toBe("a:hello");
      expect(await live.ask("x".repeat(70_000))).toBe(`a:${"x".repeat(70_000)}`);
      expect(await under.driver.inFlight(a.upstream())).toBeGreaterThan(0);
      await apply(route([set("r2", 100, [a.upstream("draining"), b.upstream()])]));
      await sleep(100);
      expect(await live.ask("still there")).toBe("a:still there");
      const fresh = await openSocket(port);
      expect(await fresh.ask("hi")).toBe("b:hi");
      // The builtin router closes it at the drain timeout; behind nginx the instance does as it stops.
      await sleep(700);
      a.goAway();
      expect(await live.closed).toBe(1001);
      await expect.poll(() => under.driver.inFlight(a.upstream()), { timeout: 5_000 }).toBe(0);
      expect(await fresh.ask("after")).toBe("b:after");
      fresh.socket.close();
    });

    it("serves TLS with the route's certificate", async () => {
      const dir = mkdtempSync(join(tmpdir(), "slipway-driver-tls-"));
      try {
        const { certFile, keyFile, pem } = makeCertificate(dir, "app.test");
        const a = await backend("a");
        const httpsPort = await freePort();
        await apply(httpRoute(ROUTE, [set("r1", 100, [a.upstream()])], { domains: ["app.test"] }), {
          https: { host: "127.0.0.1", port: httpsPort },
          tls: { certificates: [{ domains: ["app.test"], certFile, keyFile }], minVersion: "1.2" },
        });
        const reply = await getTls(httpsPort, "/secure", { servername: "app.test", ca: pem });
        expect(reply).toMatchObject({ status: 200, body: "a:/secure" });
        expect(reply.headers["strict-transport-security"]).toContain("max-age=");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("measures requests, errors and p95 per version, and starts again from zero after a reset", async () => {
      const v1 = await backend("v1", (_req, res) => setTimeout(() => res.end("ok"), 30));
      const v2 = await backend("v2", (_req, res) => {
        res.statusCode = 500;
        res.end("broken");
      });
      await apply(httpRoute(ROUTE, [set("v1", 50, [v1.upstream()]), set("v2", 50, [v2.upstream()])]));
      await under.driver.resetMeasure([ROUTE]);
      for (let i = 0; i < 20; i++) await send(port, "/");
      const total = async () =>
        Object.values(await under.driver.measure([ROUTE])).reduce((sum, v) => sum + v.requests, 0);
      await expect.poll(total, { timeout: 3_000 }).toBe(20);
      const figures = await under.driver.measure([ROUTE]);
      expect(figures.v1).toMatchObject({ requests: 10, errors: 0 });
      expect(figures.v1!.p95Ms).toBeGreaterThanOrEqual(25);
      // Every completed request is in a latency bucket (what the latency_p95 alert windows over):
      // v1's answers took ≥ 30 ms, so none is in the buckets up to 25 ms.
      expect(figures.v1!.latencyBuckets!.reduce((sum, n) => sum + n, 0)).toBe(10);
      expect(figures.v1!.latencyBuckets!.slice(0, 3)).toEqual([0, 0, 0]);
      expect(figures.v2).toMatchObject({ requests: 10, errors: 10 });
      await under.driver.resetMeasure([ROUTE]);
      expect(await total()).toBe(0);
      for (let i = 0; i < 4; i++) await send(port, "/");
      await expect.poll(total, { timeout: 3_000 }).toBe(4);
      expect(await under.driver.measure(["shop/other/0"])).toEqual({});
    });

    it("reports its data plane down after a crash, and serves again after the next apply", async () => {
      const a = await backend("a");
      const route = httpRoute(ROUTE, [set("r1", 100, [a.upstream()])]);
      expect(under.driver.isDown()).toBe(false);
      await apply(route);
      expect(under.driver.isDown()).toBe(false);
      under.kill();
      await expect.poll(() => under.driver.isDown(), { timeout: 3_000 }).toBe(true);
      await apply(route);
      expect(under.driver.isDown()).toBe(false);
      expect(await body("/back")).toBe("a:/back");
      await under.driver.stop();
      expect(under.driver.isDown()).toBe(false);
    });
  });
}

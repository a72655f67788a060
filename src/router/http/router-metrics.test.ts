import { afterEach, describe, expect, it } from "vitest";
import {
  closeAll,
  config,
  deadUpstream,
  freePort,
  httpRoute,
  send,
  set,
  startRouter,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

describe("Router metrics and version stats", () => {
  it("counts requests per version in Prometheus text and in versionStats", async () => {
    const stable = await startUpstream("stable");
    let calls = 0;
    const canary = await startUpstream("canary", (_req, res) => {
      const call = ++calls;
      setTimeout(() => {
        res.statusCode = call % 2 === 0 ? 500 : 200;
        res.end("canary");
      }, 60);
    });
    const { router, port } = await startRouter(
      config([
        httpRoute("shop/api/0", [set("r1", 50, [stable.upstream()]), set("r2", 50, [canary.upstream()])]),
      ]),
    );
    await Promise.all(Array.from({ length: 20 }, () => send(port, "/")));
    const stats = router.versionStats("shop/api/0");
    expect(stats.r1).toMatchObject({ requests: 10, errors: 0 });
    expect(stats.r2).toMatchObject({ requests: 10, errors: 5 });
    expect(stats.r2?.p95Ms).toBeGreaterThanOrEqual(55);
    expect(stats.r1?.p95Ms).toBeLessThan(stats.r2?.p95Ms ?? 0);
    const text = await router.metrics();
    const labels = 'project="shop",service="api",route="shop/api/0"';
    expect(text).toContain(`slipway_router_requests_total{${labels},version="r1",status_class="2xx"} 10`);
    expect(text).toContain(`slipway_router_requests_total{${labels},version="r2",status_class="5xx"} 5`);
    expect(text).toContain(`slipway_router_request_duration_seconds_count{${labels},version="r2"} 10`);
    expect(text).toMatch(/slipway_router_open_connections \d+/);
    router.resetVersionStats("shop/api/0");
    expect(router.versionStats("shop/api/0")).toEqual({});
  });

  it("counts refused connections as errors of their version", async () => {
    const stable = await startUpstream("stable");
    const dead = deadUpstream("dead", await freePort());
    const { router, port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 50, [stable.upstream()]), set("r2", 50, [dead])])]),
      { ejectMs: 60_000 },
    );
    for (let index = 0; index < 6; index++) expect((await send(port, "/")).status).toBe(200);
    const stats = router.versionStats("shop/api/0");
    expect(stats.r2).toEqual({ requests: 1, errors: 1, p95Ms: null, latencyBuckets: Array(13).fill(0) });
    expect(stats.r1).toMatchObject({ requests: 6, errors: 0 });
  });
});

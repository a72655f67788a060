import { afterEach, describe, expect, it } from "vitest";
import {
  closeAll,
  config,
  deadUpstream,
  freePort,
  httpRoute,
  send,
  set,
  sleep,
  startRouter,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

const connectErrors = (metrics: string, upstream: string) =>
  Number(
    metrics.match(
      new RegExp(
        `slipway_router_upstream_errors_total\\{[^}]*upstream="${upstream}",reason="connect"\\} (\\d+)`,
      ),
    )?.[1] ?? 0,
  );

describe("Router upstream failures", () => {
  it("retries a refused connection on another upstream and ejects the dead one for a while", async () => {
    const live = await startUpstream("live");
    const dead = deadUpstream("dead", await freePort());
    const { router, port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [dead, live.upstream()])])]),
      { ejectMs: 400 },
    );
    for (let index = 0; index < 10; index++) expect((await send(port, "/")).body).toBe("live:/");
    expect(connectErrors(await router.metrics(), "dead")).toBe(1);
    await sleep(450);
    for (let index = 0; index < 4; index++) expect((await send(port, "/")).body).toBe("live:/");
    expect(connectErrors(await router.metrics(), "dead")).toBe(2);
  });

  it("replays a GET lost before any response byte, never a POST", async () => {
    const breaker = await startUpstream("breaker", (req) => req.socket.destroy());
    const live = await startUpstream("live");
    const { port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [breaker.upstream(), live.upstream()])])]),
    );
    expect((await send(port, "/get")).body).toBe("live:/get");
    expect(breaker.seen.map((r) => r.url)).toEqual(["/get"]);
    const post = await send(port, "/post", { method: "POST", body: "order=1" });
    expect(post.status).toBe(502);
    expect(breaker.seen.map((r) => r.url)).toEqual(["/get", "/post"]);
    expect(live.seen.map((r) => r.url)).toEqual(["/get"]);
  });

  it("answers 504 when the upstream does not answer in time", async () => {
    const silent = await startUpstream("silent", () => {});
    const base = config([httpRoute("shop/api/0", [set("r1", 100, [silent.upstream()])])]);
    const { port } = await startRouter({ ...base, limits: { ...base.limits, requestTimeoutMs: 300 } });
    const started = Date.now();
    expect((await send(port, "/")).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("passes the upstream's own 5xx through without a retry", async () => {
    const failing = await startUpstream("failing", (_req, res) => {
      res.statusCode = 500;
      res.end("boom");
    });
    const live = await startUpstream("live");
    const { port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [failing.upstream(), live.upstream()])])]),
    );
    const reply = await send(port, "/");
    expect([reply.status, reply.body]).toEqual([500, "boom"]);
    expect(live.seen).toHaveLength(0);
  });
});

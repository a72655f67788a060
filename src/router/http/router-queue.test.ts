import { afterEach, describe, expect, it } from "vitest";
import { closeAll, config, httpRoute, send, set, sleep, startRouter, startUpstream } from "./test-support.js";

afterEach(closeAll);

const withQueue = (routes: Parameters<typeof config>[0], queueTimeoutMs: number, generation = 1) => {
  const base = config(routes, { generation });
  return { ...base, limits: { ...base.limits, queueTimeoutMs } };
};

describe("Router queueing and maintenance", () => {
  it("holds a request while no upstream is active and sends it to the one an apply adds", async () => {
    const late = await startUpstream("late");
    const { router, port } = await startRouter(
      withQueue([httpRoute("shop/api/0", [set("r1", 100, [])])], 3000),
    );
    const started = Date.now();
    const pending = send(port, "/waited");
    await sleep(300);
    await router.apply(withQueue([httpRoute("shop/api/0", [set("r2", 100, [late.upstream()])])], 3000, 2));
    const reply = await pending;
    expect(reply.body).toBe("late:/waited");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("answers 503 with Retry-After when no upstream appears within queueTimeoutMs", async () => {
    const old = await startUpstream("old");
    const { port } = await startRouter(
      withQueue([httpRoute("shop/api/0", [set("r1", 100, [old.upstream("old", "draining")])])], 300),
    );
    const started = Date.now();
    const reply = await send(port, "/");
    expect(reply.status).toBe(503);
    expect(reply.headers["retry-after"]).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(old.seen).toHaveLength(0);
  });

  it("answers every HTTP route with the maintenance page, except one served during maintenance", async () => {
    const api = await startUpstream("api");
    const ops = await startUpstream("ops");
    const html = "<h1>Back soon</h1>";
    const { port } = await startRouter(
      config(
        [
          httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])]),
          // The agent's dashboard, where maintenance is turned off again, stays reachable.
          httpRoute("shop/@dashboard", [set("agent", 1, [ops.upstream()])], {
            pathPrefix: "/ops",
            duringMaintenance: true,
          }),
        ],
        { maintenance: { retryAfterSeconds: 120, html } },
      ),
    );
    expect((await send(port, "/ops/x")).body).toBe("ops:/ops/x");
    const reply = await send(port, "/anything");
    expect(reply.status).toBe(503);
    expect(reply.body).toBe(html);
    expect(reply.headers["retry-after"]).toBe("120");
    expect(reply.headers["content-type"]).toContain("text/html");
    expect(api.seen).toHaveLength(0);
  });
});

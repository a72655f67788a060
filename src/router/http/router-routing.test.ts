import { Agent } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  closeAll,
  config,
  freePort,
  httpRoute,
  onCleanup,
  send,
  set,
  startRouter,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

describe("Router routing", () => {
  it("routes by exact host, then the longest path prefix, and strips prefixes", async () => {
    const site = await startUpstream("site");
    const admin = await startUpstream("admin");
    const api = await startUpstream("api");
    const { port } = await startRouter(
      config([
        httpRoute("shop/site/0", [set("r1", 100, [site.upstream()])], { domains: ["a.test"] }),
        httpRoute("shop/admin/0", [set("r1", 100, [admin.upstream()])], {
          domains: ["a.test"],
          pathPrefix: "/admin",
        }),
        httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])], {
          pathPrefix: "/api",
          stripPrefix: true,
        }),
      ]),
    );
    const get = async (host: string, path: string) => (await send(port, path, { headers: { host } })).body;
    expect(await get("a.test", "/x")).toBe("site:/x");
    expect(await get("A.Test:8080", "/admin/users")).toBe("admin:/admin/users");
    expect(await get("a.test", "/adminx")).toBe("site:/adminx");
    expect(await get("b.test", "/api/users?q=1")).toBe("api:/users?q=1");
    expect(await get("b.test", "/api")).toBe("api:/");
    expect(await get("a.test", "/api/users")).toBe("site:/api/users");
    expect((await send(port, "/x", { headers: { host: "b.test" } })).status).toBe(404);
  });

  it("splits requests 90/10 between two versions", async () => {
    const stable = await startUpstream("stable");
    const canary = await startUpstream("canary");
    const { port } = await startRouter(
      config([
        httpRoute("shop/api/0", [set("r1", 90, [stable.upstream()]), set("r2", 10, [canary.upstream()])]),
      ]),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const replies = await Promise.all(Array.from({ length: 1000 }, () => send(port, "/", { agent })));
    agent.destroy();
    const canaryShare = replies.filter((reply) => reply.body.startsWith("canary")).length;
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(canaryShare).toBeGreaterThanOrEqual(90);
    expect(canaryShare).toBeLessThanOrEqual(110);
  }, 20_000);

  it("reuses keep-alive connections to an upstream", async () => {
    let connections = 0;
    const api = await startUpstream("api");
    api.server.on("connection", () => connections++);
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    for (let index = 0; index < 20; index++) expect((await send(port, "/")).status).toBe(200);
    expect(connections).toBe(1);
  });

  it("swaps the table atomically: a request in flight keeps its upstream", async () => {
    const old = await startUpstream("old", (_req, res) => setTimeout(() => res.end("old"), 300));
    const next = await startUpstream("new");
    const { router, port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [old.upstream()])])]),
    );
    const slow = send(port, "/");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await router.apply(
      config([httpRoute("shop/api/0", [set("r2", 100, [next.upstream()])])], { generation: 2 }),
    );
    expect((await send(port, "/")).body).toBe("new:/");
    expect((await slow).body).toBe("old");
    expect(router.config?.generation).toBe(2);
  });

  it("re-binds when the listen port changes, and keeps serving when the new port is taken", async () => {
    const api = await startUpstream("api");
    const routes = [httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])];
    const { router, port } = await startRouter(config(routes));
    const moved = await freePort();
    await router.apply(config(routes, { generation: 2, http: { host: "127.0.0.1", port: moved } }));
    expect((await send(moved, "/")).status).toBe(200);
    await expect(send(port, "/")).rejects.toThrow();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    onCleanup(() => blocker.close());
    const taken = (blocker.address() as { port: number }).port;
    await expect(
      router.apply(config(routes, { generation: 3, http: { host: "127.0.0.1", port: taken } })),
    ).rejects.toMatchObject({ code: "E_ROUTER_LISTEN" });
    expect(router.config?.generation).toBe(2);
    expect((await send(moved, "/")).status).toBe(200);
  });
});

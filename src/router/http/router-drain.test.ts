import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { Upstream } from "../model.js";
import {
  closeAll,
  config,
  httpRoute,
  onCleanup,
  send,
  set,
  sleep,
  startRouter,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

/** An upstream whose WebSockets echo `tag:message`; `closed` counts sessions that ended on its side. */
async function echoUpstream(tag: string) {
  const upstream = await startUpstream(tag);
  const wss = new WebSocketServer({ server: upstream.server });
  const stats = { closed: 0 };
  wss.on("connection", (socket) => {
    socket.on("message", (data) => socket.send(`${tag}:${data}`));
    socket.on("close", () => stats.closed++);
  });
  onCleanup(() => wss.close());
  return { ...upstream, stats };
}

function openSocket(port: number, path = "/chat"): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  onCleanup(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

function ask(socket: WebSocket, message: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once("message", (data) => resolve(String(data)));
    socket.send(message);
  });
}

describe("Router WebSockets and draining", () => {
  it("proxies a WebSocket and echoes through it", async () => {
    const a = await echoUpstream("a");
    const { router, port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [a.upstream()])])]),
    );
    const socket = await openSocket(port);
    expect(await ask(socket, "hello")).toBe("a:hello");
    expect(await ask(socket, "x".repeat(70_000))).toBe(`a:${"x".repeat(70_000)}`);
    expect(router.inFlight("a")).toEqual({ requests: 0, websockets: 1, connections: 0 });
    expect(await router.metrics()).toContain(
      'slipway_router_open_websockets{project="shop",service="api",version="r1"} 1',
    );
    socket.close();
    await sleep(100);
    expect(router.inFlight("a").websockets).toBe(0);
  });

  it("lets a slow request on a draining upstream finish and sends new ones elsewhere", async () => {
    const a = await startUpstream("a", (_req, res) => setTimeout(() => res.end("a-slow"), 400));
    const b = await startUpstream("b");
    const route = (aState: Upstream["state"]) =>
      httpRoute("shop/api/0", [set("r1", 100, [a.upstream("a", aState), b.upstream()])]);
    const { router, port } = await startRouter(config([route("active")]));
    const slow = send(port, "/slow");
    await sleep(100);
    expect(router.inFlight("a").requests).toBe(1);
    await router.apply(config([route("draining")], { generation: 2 }));
    for (let index = 0; index < 3; index++) expect((await send(port, "/new")).body).toBe("b:/new");
    expect(await slow).toMatchObject({ status: 200, body: "a-slow" });
    expect(router.inFlight("a")).toEqual({ requests: 0, websockets: 0, connections: 0 });
  });

  it.each(["draining", "removed"] as const)(
    "keeps a WebSocket on a %s upstream until drainTimeoutMs, then closes it with 1001",
    async (how) => {
      const a = await echoUpstream("a");
      const b = await echoUpstream("b");
      const drainTimeoutMs = 500;
      const { router, port } = await startRouter(
        config([httpRoute("shop/api/0", [set("r1", 100, [a.upstream()])], { drainTimeoutMs })]),
      );
      const socket = await openSocket(port);
      const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
        socket.once("close", (code, reason) => resolve({ code, reason: String(reason), at: Date.now() })),
      );
      const upstreams = how === "draining" ? [a.upstream("a", "draining"), b.upstream()] : [b.upstream()];
      const drainStarted = Date.now();
      await router.apply(
        config([httpRoute("shop/api/0", [set("r2", 100, upstreams)], { drainTimeoutMs })], { generation: 2 }),
      );
      await sleep(200);
      expect(await ask(socket, "still there")).toBe("a:still there");
      expect(router.inFlight("a").websockets).toBe(1);
      const fresh = await openSocket(port);
      expect(await ask(fresh, "hi")).toBe("b:hi");
      const { code, reason, at } = await closed;
      expect(code).toBe(1001);
      expect(reason).toBe("Going Away");
      expect(at - drainStarted).toBeGreaterThanOrEqual(drainTimeoutMs - 20);
      await sleep(100);
      expect(a.stats.closed).toBe(1);
      expect(router.inFlight("a").websockets).toBe(0);
      expect(await ask(fresh, "after")).toBe("b:after");
    },
  );

  it("keeps the WebSocket of an upstream that becomes active again before the drain timeout", async () => {
    const a = await echoUpstream("a");
    const route = (state: Upstream["state"]) =>
      httpRoute("shop/api/0", [set("r1", 100, [a.upstream("a", state)])], { drainTimeoutMs: 300 });
    const { router, port } = await startRouter(config([route("active")]));
    const socket = await openSocket(port);
    await router.apply(config([route("draining")], { generation: 2 }));
    await sleep(100);
    await router.apply(config([route("active")], { generation: 3 }));
    await sleep(400);
    expect(await ask(socket, "kept")).toBe("a:kept");
  });
});

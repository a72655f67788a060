import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { TcpRoute, Upstream, UpstreamSet } from "../model.js";
import {
  closeAll,
  config,
  deadUpstream,
  freePort,
  onCleanup,
  set,
  sleep,
  startRouter,
} from "./test-support.js";

afterEach(closeAll);

async function echoServer(tag: string): Promise<(id?: string, state?: Upstream["state"]) => Upstream> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", (data) => socket.write(`${tag}:${data}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  return (id = tag, state = "active") => ({ id, host: "127.0.0.1", port, state });
}

const tcpRoute = (sets: readonly UpstreamSet[], drainTimeoutMs = 5000): TcpRoute => ({
  kind: "tcp",
  id: "shop/db/0",
  project: "shop",
  service: "db",
  listen: { host: "127.0.0.1", port: 0 },
  sets,
  drainTimeoutMs,
});

/** A client connection that records what it receives and when it is closed. */
async function dial(port: number) {
  const socket = connect({ host: "127.0.0.1", port });
  onCleanup(() => socket.destroy());
  await new Promise((resolve) => socket.once("connect", resolve));
  const state = { closedAt: 0 };
  socket.on("close", () => {
    state.closedAt = Date.now();
  });
  socket.on("error", () => {});
  const ask = (text: string) =>
    new Promise<string>((resolve) => {
      socket.once("data", (data) => resolve(String(data)));
      socket.write(text);
    });
  return { socket, ask, state };
}

describe("Router TCP routes", () => {
  it("pipes connections to upstreams by weight, past a dead one", async () => {
    const a = await echoServer("a");
    const b = await echoServer("b");
    const dead = deadUpstream("dead", await freePort());
    const { router } = await startRouter(
      config([tcpRoute([set("r1", 50, [dead, a()]), set("r2", 50, [b()])])]),
    );
    const port = router.ports().tcp["shop/db/0"]!;
    const replies: string[] = [];
    for (let index = 0; index < 4; index++) {
      const client = await dial(port);
      replies.push(await client.ask("hi"));
      client.socket.destroy();
    }
    expect(replies.sort()).toEqual(["a:hi", "a:hi", "b:hi", "b:hi"]);
  });

  it("keeps a connection to a draining upstream until drainTimeoutMs, sending new ones elsewhere", async () => {
    const a = await echoServer("a");
    const b = await echoServer("b");
    const { router } = await startRouter(config([tcpRoute([set("r1", 100, [a()])], 400)]));
    const port = router.ports().tcp["shop/db/0"]!;
    const old = await dial(port);
    expect(await old.ask("1")).toBe("a:1");
    expect(router.inFlight("a").connections).toBe(1);
    const drainStarted = Date.now();
    await router.apply(
      config([tcpRoute([set("r1", 0, [a("a", "draining")]), set("r2", 100, [b()])], 400)], { generation: 2 }),
    );
    expect(router.ports().tcp["shop/db/0"]).toBe(port);
    const fresh = await dial(port);
    expect(await fresh.ask("2")).toBe("b:2");
    await sleep(150);
    expect(await old.ask("3")).toBe("a:3");
    await sleep(400);
    expect(old.state.closedAt - drainStarted).toBeGreaterThanOrEqual(380);
    expect(router.inFlight("a").connections).toBe(0);
    expect(await fresh.ask("4")).toBe("b:4");
  });
});

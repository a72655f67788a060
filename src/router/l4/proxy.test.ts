import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../network/ports.js";
import { L4Proxy } from "./proxy.js";

const servers: Server[] = [];
let proxy: L4Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  for (const server of servers.splice(0)) server.close();
});

function echoServer(tag: string): Promise<number> {
  const server = createServer((socket) => socket.on("data", (data) => socket.write(`${tag}:${data}`)));
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

function ask(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write("hi"));
    socket.once("data", (data) => {
      resolve(String(data));
      socket.destroy();
    });
    socket.once("error", reject);
    socket.once("close", () => resolve(""));
  });
}

describe("L4Proxy", () => {
  it("spreads connections over instances and retries a dead one", async () => {
    const a = await echoServer("a");
    const b = await echoServer("b");
    const dead = await freePort();
    const port = await freePort();
    proxy = new L4Proxy({ waitForUpstreamMs: 500 });
    await proxy.apply({
      generation: 1,
      listeners: [
        {
          name: "api:3000",
          host: "127.0.0.1",
          port,
          upstreams: [
            { id: "1", host: "127.0.0.1", port: a },
            { id: "x", host: "127.0.0.1", port: dead },
            { id: "2", host: "127.0.0.1", port: b },
          ],
        },
      ],
    });
    const replies = [await ask(port), await ask(port), await ask(port), await ask(port)];
    expect(replies.every((r) => r === "a:hi" || r === "b:hi")).toBe(true);
    expect(new Set(replies).size).toBe(2);
  });

  it("listens on a service's own loopback address", async () => {
    const a = await echoServer("a");
    const port = await freePort();
    proxy = new L4Proxy({ waitForUpstreamMs: 500 });
    await proxy.apply({
      generation: 1,
      listeners: [
        { name: "db", host: "127.33.44.2", port, upstreams: [{ id: "1", host: "127.0.0.1", port: a }] },
      ],
    });
    expect(await ask(port, "127.33.44.2")).toBe("a:hi");
  });

  it("holds a connection while no instance exists and forwards it when one appears", async () => {
    const port = await freePort();
    proxy = new L4Proxy({ waitForUpstreamMs: 3000 });
    const listener = { name: "api", host: "127.0.0.1", port };
    await proxy.apply({ generation: 1, listeners: [{ ...listener, upstreams: [] }] });
    const reply = ask(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const a = await echoServer("late");
    await proxy.apply({
      generation: 1,
      listeners: [{ ...listener, upstreams: [{ id: "1", host: "127.0.0.1", port: a }] }],
    });
    expect(await reply).toBe("late:hi");
  });

  it("closes a connection that found no instance in time", async () => {
    const port = await freePort();
    proxy = new L4Proxy({ waitForUpstreamMs: 200 });
    await proxy.apply({
      generation: 1,
      listeners: [{ name: "api", host: "127.0.0.1", port, upstreams: [] }],
    });
    expect(await ask(port)).toBe("");
  });
});

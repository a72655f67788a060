import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../network/ports.js";
import { L4Proxy } from "./proxy.js";

const servers: Server[] = [];
let proxy: L4Proxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const server of servers.splice(0)) server.close();
});

interface Served {
  readonly port: number;
  readonly server: Server;
  accepted(): number;
}

function serve(onSocket: Parameters<typeof createServer>[1]): Promise<Served> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    onSocket?.(socket);
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as { port: number }).port, server, accepted: () => accepted }),
    ),
  );
}

/** Sends `hi`, resolves with everything answered until the connection closes. */
function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    let reply = "";
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write("hi"));
    socket.on("data", (data) => {
      reply += String(data);
      socket.end();
    });
    socket.on("error", () => resolve(`${reply}<error>`));
    socket.on("close", () => resolve(reply));
  });
}

const echo = () => serve((socket) => socket.on("data", (data) => socket.write(`ok:${data}`)));

async function proxyTo(...upstreamPorts: number[]): Promise<number> {
  const port = await freePort();
  proxy = new L4Proxy({ waitForUpstreamMs: 500 });
  await proxy.apply({
    generation: 1,
    listeners: [
      {
        name: "api:3000",
        host: "127.0.0.1",
        port,
        upstreams: upstreamPorts.map((p, i) => ({ id: String(i), host: "127.0.0.1", port: p })),
      },
    ],
  });
  return port;
}

describe("L4Proxy under faults", () => {
  it("replays a connection that an instance resets before answering on another one, and ejects it", async () => {
    // Accepts, then resets once the request arrived: an instance killed with a connection in flight.
    const dying = await serve((socket) => socket.once("data", () => socket.resetAndDestroy()));
    const healthy = await echo();
    const port = await proxyTo(dying.port, healthy.port);
    const replies: string[] = [];
    for (let i = 0; i < 6; i++) replies.push(await ask(port));
    expect(replies).toEqual(Array(6).fill("ok:hi"));
    // Ejected after its first failure: no later connection went to it.
    expect(dying.accepted()).toBe(1);
  });

  it("replays a connection that an instance closes before answering", async () => {
    const closing = await serve((socket) => socket.end());
    const healthy = await echo();
    const port = await proxyTo(closing.port, healthy.port);
    expect([await ask(port), await ask(port), await ask(port)]).toEqual(["ok:hi", "ok:hi", "ok:hi"]);
  });

  it("passes an answer through once the instance has sent a byte, even if it then resets", async () => {
    const partial = await serve((socket) =>
      socket.once("data", () => socket.write("part", () => setTimeout(() => socket.resetAndDestroy(), 50))),
    );
    const port = await proxyTo(partial.port);
    const reply = await ask(port);
    expect(reply.startsWith("part")).toBe(true);
    expect(partial.accepted()).toBe(1);
  });

  it("reports each listener that cannot bind, opens the others, and binds it once it is free", async () => {
    const holder = await serve(() => {});
    const free = await freePort();
    const healthy = await echo();
    proxy = new L4Proxy({ waitForUpstreamMs: 500 });
    const upstreams = [{ id: "1", host: "127.0.0.1", port: healthy.port }];
    const config = {
      generation: 1,
      listeners: [
        { name: "web:3000", host: "127.0.0.1", port: holder.port, upstreams },
        { name: "web:4000", host: "127.0.0.1", port: free, upstreams },
      ],
    };
    expect(await proxy.apply(config)).toEqual([
      { name: "web:3000", host: "127.0.0.1", port: holder.port, code: "EADDRINUSE" },
    ]);
    expect(await ask(free)).toBe("ok:hi");
    await new Promise<void>((resolve) => holder.server.close(() => resolve()));
    expect(await proxy.apply({ ...config, generation: 2 })).toEqual([]);
    expect(await ask(holder.port)).toBe("ok:hi");
  });
});

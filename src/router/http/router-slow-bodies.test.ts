import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
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

/** Opens a request whose body never finishes, from `localAddress` (another loopback client). */
function slowBody(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress }, () => {
      socket.write("POST /slow HTTP/1.1\r\nHost: a.example\r\nContent-Length: 100000\r\n\r\nfirst bytes");
      resolve(socket);
    });
    socket.on("error", reject);
  });
}

describe("slow request bodies", () => {
  it("from one client cannot take every upstream connection: another client's POSTs still succeed", async () => {
    const api = await startUpstream("api");
    const base = config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]);
    const { port } = await startRouter({ ...base, limits: { ...base.limits, queueTimeoutMs: 2000 } });
    const sockets: Socket[] = [];
    onCleanup(() => {
      for (const socket of sockets) socket.destroy();
    });
    // 600 uploads that never end, from 127.0.0.2 (more than the 512 connections per upstream).
    for (let i = 0; i < 600; i++) sockets.push(await slowBody(port, "127.0.0.2"));
    await sleep(300);
    for (let i = 0; i < 5; i++) {
      const reply = await send(port, "/normal", {
        method: "POST",
        body: "hello",
        headers: { host: "a.example" },
      });
      expect(reply.status).toBe(200);
    }
    // The slow client got its share and then 429s, not every connection.
    expect(api.seen.filter((r) => r.url === "/normal")).toHaveLength(5);
  }, 30_000);
});

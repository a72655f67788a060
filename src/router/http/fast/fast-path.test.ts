import { Agent, request } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  closeAll,
  config,
  httpRoute,
  onCleanup,
  set,
  sleep,
  startRouter,
  startUpstream,
} from "../test-support.js";

afterEach(closeAll);

/** A raw TCP upstream: `answer` writes whatever bytes it likes for each request head received. */
async function rawUpstream(answer: (socket: Socket, head: string, index: number) => void) {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      for (let end = buffered.indexOf("\r\n\r\n"); end >= 0; end = buffered.indexOf("\r\n\r\n")) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        heads.push(head);
        answer(socket, head, heads.length - 1);
      }
    });
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as { port: number }).port;
  return {
    heads,
    connections: () => connections,
    route: () =>
      httpRoute("shop/api/0", [set("r1", 100, [{ id: "raw", host: "127.0.0.1", port, state: "active" }])]),
  };
}

/** Writes `text` on a new connection and resolves with every byte received until the router closes it. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no close; got ${received}`)));
  });
}

/** GET through a keep-alive agent: Node's client parser checks the framing of what the router relays. */
function get(
  port: number,
  path: string,
  agent: Agent,
): Promise<{ status: number; body: string; headers: object }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3}/g) ?? [];

describe("the builtin router's fast path", () => {
  it("answers pipelined requests in order on one connection and closes it after Connection: close", async () => {
    const api = await startUpstream("api");
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    const head = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: a.example\r\n${extra}\r\n`;
    const received = await exchange(port, head("/1") + head("/2") + head("/3", "Connection: close\r\n"));
    expect(statusLines(received)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(received.indexOf("api:/1")).toBeLessThan(received.indexOf("api:/2"));
    expect(received.indexOf("api:/2")).toBeLessThan(received.indexOf("api:/3"));
    expect(received).toMatch(/connection: close\r\n/i);
    expect(api.seen.map((seen) => seen.url)).toEqual(["/1", "/2", "/3"]);
    expect(api.seen[0]!.headers).toMatchObject({
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
    });
    expect(api.seen[0]!.headers["x-request-id"]).toMatch(/^[\w-]{36}$/);
  });

  it("reads a long pipelined burst with back-pressure (reading pauses while one request is in progress)", async () => {
    const api = await startUpstream("api");
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    const count = 3000;
    let burst = "";
    for (let i = 1; i < count; i++) burst += `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    burst += `GET /${count} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
    expect(burst.length).toBeGreaterThan(64 * 1024);
    const received = await exchange(port, burst);
    expect(statusLines(received)).toHaveLength(count);
    expect(api.seen.map((seen) => seen.url)).toEqual(Array.from({ length: count }, (_, i) => `/${i + 1}`));
  });

  it("relays a chunked response split across packets at every byte offset, on reused connections both ways", async () => {
    const response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n";
    const upstream = await rawUpstream((socket, _head, index) => {
      const at = index % (response.length + 1);
      socket.write(response.slice(0, at), "latin1");
      setTimeout(() => socket.write(response.slice(at), "latin1"), 3);
    });
    const { port } = await startRouter(config([upstream.route()]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onCleanup(() => agent.destroy());
    for (let at = 0; at <= response.length; at++) {
      const reply = await get(port, `/${at}`, agent);
      expect(reply, `split at ${at}`).toMatchObject({ status: 200, body: "wikipedia" });
    }
    expect(upstream.connections()).toBe(1);
  });

  it("cuts the client when the upstream closes in the middle of a body, and serves the next request", async () => {
    const upstream = await rawUpstream((socket, head) => {
      if (head.startsWith("GET /cut")) socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const { port } = await startRouter(config([upstream.route()]));
    const agent = new Agent({ keepAlive: true });
    onCleanup(() => agent.destroy());
    await expect(get(port, "/cut", agent)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(await get(port, "/next", agent)).toMatchObject({ status: 200, body: "ok" });
  });

  it("relays a response that ends with the upstream's close, then closes the client connection", async () => {
    const upstream = await rawUpstream((socket) =>
      socket.end("HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nuntil the close"),
    );
    const { port } = await startRouter(config([upstream.route()]));
    const received = await exchange(
      port,
      "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /never HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    expect(statusLines(received)).toEqual(["HTTP/1.1 200"]);
    expect(received).toMatch(/connection: close\r\n(?:[^\r]*\r\n)*\r\nuntil the close$/i);
    expect(upstream.heads).toHaveLength(1);
  });

  it("skips 103 Early Hints, and answers 502 to a response it cannot frame (the client sees no half answer)", async () => {
    const upstream = await rawUpstream((socket, head) => {
      if (head.startsWith("GET /hints"))
        socket.write(
          "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
        );
      else
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    });
    const { port } = await startRouter(config([upstream.route()]));
    const agent = new Agent({ keepAlive: true });
    onCleanup(() => agent.destroy());
    expect(await get(port, "/hints", agent)).toMatchObject({ status: 200, body: "hi" });
    expect((await get(port, "/bad", agent)).status).toBe(502);
  });

  it("replays an idempotent request whose reused upstream connection was closed before any answer, never a POST", async () => {
    let closeNext = false;
    const upstream = await rawUpstream((socket) => {
      if (closeNext) {
        closeNext = false;
        socket.destroy();
      } else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const { port } = await startRouter(config([upstream.route()]));
    const agent = new Agent({ keepAlive: true });
    onCleanup(() => agent.destroy());
    expect(await get(port, "/warm", agent)).toMatchObject({ status: 200, body: "ok" });
    closeNext = true;
    expect(await get(port, "/replayed", agent)).toMatchObject({ status: 200, body: "ok" });
    expect(upstream.heads.filter((head) => head.startsWith("GET /replayed"))).toHaveLength(2);
    closeNext = true;
    const post = await exchange(port, "POST /once HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(statusLines(post)).toEqual(["HTTP/1.1 502"]);
    expect(upstream.heads.filter((head) => head.startsWith("POST /once"))).toHaveLength(1);
  });

  it("cuts the upstream request when the client goes away, and counts nothing in flight after", async () => {
    let upstreamClosed = false;
    const upstream = await rawUpstream((socket) => socket.on("close", () => (upstreamClosed = true)));
    const { router, port } = await startRouter(config([upstream.route()]));
    const client = connect(port, "127.0.0.1", () => client.write("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n"));
    for (let i = 0; i < 100 && upstream.heads.length === 0; i++) await sleep(20);
    expect(router.inFlight("raw").requests).toBe(1);
    client.destroy();
    for (let i = 0; i < 100 && !upstreamClosed; i++) await sleep(20);
    expect(upstreamClosed).toBe(true);
    expect(router.inFlight("raw").requests).toBe(0);
    expect(await router.metrics()).toMatch(/status_class="4xx"[^\n]* 1/);
  });

  it("hands a smuggling-shaped request to Node's server after the fast requests before it: 400, the upstream sees none", async () => {
    const api = await startUpstream("api");
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    const smuggled = "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
    const received = await exchange(
      port,
      "GET /first HTTP/1.1\r\nHost: a\r\n\r\n" +
        `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    );
    expect(statusLines(received)).toEqual(["HTTP/1.1 200", "HTTP/1.1 400"]);
    expect(api.seen.map((seen) => seen.url)).toEqual(["/first"]);
  });

  it("hands a connection over mid-way at a request with a body, which Node's server then proxies", async () => {
    const api = await startUpstream("api", (req, res, body) => res.end(`${req.method} ${req.url} ${body}`));
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    const received = await exchange(
      port,
      "GET /a HTTP/1.1\r\nHost: a\r\n\r\n" +
        "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" +
        "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    expect(statusLines(received)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(received).toContain("GET /a ");
    expect(received).toContain("POST /b hello");
    expect(api.seen.map((seen) => `${seen.method} ${seen.url}`)).toEqual(["GET /a", "POST /b", "GET /c"]);
  });
});

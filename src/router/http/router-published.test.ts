import { Agent as HttpAgent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { HttpRoute } from "../model.js";
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

/** A published port's route: its own listener, every host and path. */
async function publishedRoute(sets: HttpRoute["sets"]): Promise<HttpRoute> {
  const port = await freePort();
  return httpRoute(`shop/api/published/127.0.0.1:${port}`, sets, { listen: { host: "127.0.0.1", port } });
}

describe("Router published ports", () => {
  it("serves a published port alone, as the app answers: any host and path, no headers or body limit of its own", async () => {
    const app = await startUpstream("app");
    const route = await publishedRoute([set("r1", 100, [app.upstream()])]);
    const base = config([route]);
    const { router } = await startRouter({ ...base, limits: { ...base.limits, maxBodyBytes: 10 } });
    // Only published routes: the shared HTTP listener (port 80 in production) is not bound.
    expect(router.ports().http).toBeUndefined();
    const port = route.listen!.port;
    const reply = await send(port, "/any/path?q=1", { headers: { host: "whatever.example" } });
    expect([reply.status, reply.body]).toEqual([200, "app:/any/path?q=1"]);
    expect(reply.headers["content-security-policy"]).toBeUndefined();
    expect(reply.headers["x-content-type-options"]).toBeUndefined();
    const upload = await send(port, "/upload", { method: "POST", body: "x".repeat(5000) });
    expect(upload.status).toBe(200);
    expect(app.seen.at(-1)?.body).toHaveLength(5000);
    expect(app.seen[0]!.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("keeps a published port off the shared listener, which still serves the other routes", async () => {
    const app = await startUpstream("app");
    const other = await startUpstream("other");
    const route = await publishedRoute([set("r1", 100, [app.upstream()])]);
    const { port } = await startRouter(
      config([route, httpRoute("shop/web/0", [set("r1", 100, [other.upstream()])])]),
    );
    expect((await send(port, "/x")).body).toBe("other:/x");
    expect((await send(route.listen!.port, "/x")).body).toBe("app:/x");
  });

  it("replays a keep-alive GET whose upstream connection was closed before answering: the client sees no error", async () => {
    // Answers the first request of each connection, then closes the connection when the next one
    // arrives, unanswered: an app whose server.close() shut its idle keep-alive connections.
    const closing = await startUpstream("closing", (req, res) => {
      const socket = req.socket as typeof req.socket & { answered?: boolean };
      if (socket.answered) return void socket.destroy();
      socket.answered = true;
      res.end("closing:ok");
    });
    const route = await publishedRoute([set("r1", 100, [closing.upstream()])]);
    await startRouter(config([route]));
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    onCleanup(() => agent.destroy());
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: route.listen!.port, path: "/", agent }, (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve(body));
        });
        req.on("error", reject);
        req.end();
      });
    for (let i = 0; i < 5; i++) expect(await get()).toBe("closing:ok");
    // One client connection throughout: the router kept it while upstream connections came and went.
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
  });

  it("proxies WebSockets on a published port", async () => {
    const app = await startUpstream("app");
    const wss = new WebSocketServer({ server: app.server });
    wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo:${data}`)));
    onCleanup(() => wss.close());
    const route = await publishedRoute([set("r1", 100, [app.upstream()])]);
    await startRouter(config([route]));
    const socket = new WebSocket(`ws://127.0.0.1:${route.listen!.port}/live`);
    onCleanup(() => socket.terminate());
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const answer = new Promise((resolve) => socket.once("message", (data) => resolve(String(data))));
    socket.send("hi");
    expect(await answer).toBe("echo:hi");
  });
});

import { mkdirSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Route, RouterConfig } from "../model.js";
import { httpRoute, routerConfig, set, staticRoute, tcpRoute, upstream } from "./test-config.js";
import {
  type Backend,
  freePort,
  get,
  type NginxInstance,
  nginxInstance,
  startBackend,
} from "./test-support.js";

// Static files, maintenance, rate limits, hosts and TCP through a real nginx.
let nginx: NginxInstance;
let backend: Backend;
let port: number;
let www: string;
let generation = 0;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;

beforeAll(async () => {
  [backend, port] = await Promise.all([startBackend("a"), freePort()]);
  nginx = nginxInstance();
  www = join(nginx.dir, "www");
  mkdirSync(join(www, "assets"), { recursive: true });
  writeFileSync(join(www, "index.html"), "<h1>app</h1>");
  writeFileSync(join(www, "assets", "main-3f9a8c1d.js"), "console.log(1)");
  writeFileSync(join(www, "style.css"), "body{}".repeat(100));
  writeFileSync(join(www, "style.css.gz"), gzipSync("body{}".repeat(100)));
  writeFileSync(join(www, ".env"), "SECRET=1");
});

afterAll(async () => {
  await nginx?.cleanup();
  await backend?.close();
});

function config(routes: readonly Route[], overrides: Partial<RouterConfig> = {}): RouterConfig {
  generation++;
  return routerConfig({ generation, http: { host: "127.0.0.1", port }, routes, ...overrides });
}

const api = (overrides: Partial<Parameters<typeof httpRoute>[0]> = {}) =>
  httpRoute({
    id: "shop/api/0",
    pathPrefix: "/api",
    sets: [set("r1", 1, [upstream("a.0", backend.port)])],
    ...overrides,
  });

describe("NginxDriver routes", { timeout: 30_000 }, () => {
  it("serves a single-page app with cache headers, precompressed files and no dotfiles", async () => {
    await nginx.driver.apply(
      config([staticRoute({ id: "shop/web/0", pathPrefix: "/app", root: www }), api()]),
    );
    const index = await get(url("/app/"));
    expect(index).toMatchObject({ status: 200, body: "<h1>app</h1>" });
    expect(index.headers).toMatchObject({ "cache-control": "no-cache", "x-content-type-options": "nosniff" });
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(await get(url("/app/orders/7"))).toMatchObject({ status: 200, body: "<h1>app</h1>" });
    expect((await get(url("/app/missing.js"))).status).toBe(404);
    expect((await get(url("/app/.env"))).status).toBe(404);
    const asset = await get(url("/app/assets/main-3f9a8c1d.js"));
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const css = await get(url("/app/style.css"), { headers: { "accept-encoding": "gzip" } });
    expect(css.headers["content-encoding"]).toBe("gzip");
    const bare = await get(url("/app"));
    expect(bare).toMatchObject({ status: 301, headers: { location: "/app/" } });
  });

  it("passes the full path without strip_prefix and answers 503 while no instance is ready", async () => {
    await nginx.driver.apply(
      config([
        api(),
        httpRoute({
          id: "shop/jobs/0",
          pathPrefix: "/jobs",
          sets: [set("r1", 1, [upstream("j", 1, "draining")])],
        }),
      ]),
    );
    expect(JSON.parse((await get(url("/api/x"))).body)).toMatchObject({ url: "/api/x" });
    const none = await get(url("/jobs/1"));
    expect(none).toMatchObject({ status: 503, headers: { "retry-after": "10" } });
  });

  it("prefers the routes naming the host, like the builtin router", async () => {
    const own = httpRoute({
      id: "shop/site/0",
      domains: ["b.test"],
      sets: [set("r1", 1, [upstream("a.0", backend.port)])],
    });
    await nginx.driver.apply(config([api({ stripPrefix: true }), own]));
    // b.test's `/` covers `/api`, so the host-less /api route is not used for b.test.
    expect(JSON.parse((await get(url("/api/x"), { headers: { host: "b.test" } })).body)).toMatchObject({
      url: "/api/x",
    });
    expect(JSON.parse((await get(url("/api/x"))).body)).toMatchObject({ url: "/x" });
    expect((await get(url("/other"))).status).toBe(404);
  });

  it("answers 503 with the maintenance page and Retry-After, except on a route served during maintenance", async () => {
    const html = '<p>back at 5 — costs $0 "really"</p>\n'.repeat(200);
    // The agent's dashboard, where maintenance is turned off again, stays reachable.
    const dashboard = api({ id: "shop/@dashboard", pathPrefix: "/ops", duringMaintenance: true });
    await nginx.driver.apply(config([api(), dashboard], { maintenance: { retryAfterSeconds: 120, html } }));
    const reply = await get(url("/api/x"));
    expect(reply).toMatchObject({ status: 503, body: html, headers: { "retry-after": "120" } });
    expect(reply.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await get(url("/ops/x"))).status).toBe(200);
  });

  it("limits requests per client with 429 and Retry-After", async () => {
    const limits = { ...routerConfig().limits, rateLimitPerSecond: 1, rateLimitBurst: 3 };
    await nginx.driver.apply(config([api()], { limits }));
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await get(url("/api/x")));
    expect(replies.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.headers["retry-after"]).toBe("1");
  });

  it("refuses request bodies over the limit with 413", async () => {
    const limits = { ...routerConfig().limits, maxBodyBytes: 1024 };
    await nginx.driver.apply(config([api()], { limits }));
    const reply = await get(url("/api/upload"), { method: "POST", body: "x".repeat(4096) });
    expect(reply.status).toBe(413);
    expect((await get(url("/api/upload"), { method: "POST", body: "x".repeat(512) })).status).toBe(200);
  });

  it("forwards TCP routes through the stream module", async () => {
    const echo: Server = createServer((socket) => socket.on("data", (data) => socket.write(`echo:${data}`)));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      const listenPort = await freePort();
      const echoPort = (echo.address() as { port: number }).port;
      await nginx.driver.apply(
        config([
          api(),
          tcpRoute({
            id: "shop/db/0",
            listen: { host: "127.0.0.1", port: listenPort },
            sets: [set("r1", 1, [upstream("db.0", echoPort)])],
          }),
        ]),
      );
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: listenPort }, () => socket.write("hi"));
        socket.once("data", (data) => {
          resolve(String(data));
          socket.destroy();
        });
        socket.once("error", reject);
      });
      expect(reply).toBe("echo:hi");
    } finally {
      echo.close();
    }
  });
});

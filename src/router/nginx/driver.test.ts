import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { RouterConfig, UpstreamSet } from "../model.js";
import { httpRoute, routerConfig, set, upstream } from "./test-config.js";
import {
  type Backend,
  freePort,
  get,
  loadLoop,
  makeCertificate,
  type NginxInstance,
  nginxInstance,
  startBackend,
} from "./test-support.js";

// Against a real nginx master (started by the driver, stopped by pid in afterAll).
let nginx: NginxInstance;
let a: Backend;
let b: Backend;
let port: number;
let generation = 0;

beforeAll(async () => {
  [a, b, port] = await Promise.all([startBackend("a"), startBackend("b"), freePort()]);
  nginx = nginxInstance();
});

afterAll(async () => {
  await nginx?.cleanup();
  await Promise.all([a?.close(), b?.close()]);
});

/** `/api` (prefix stripped) over the given sets. */
function apiConfig(sets: readonly UpstreamSet[], overrides: Partial<RouterConfig> = {}): RouterConfig {
  generation++;
  return routerConfig({
    generation,
    http: { host: "127.0.0.1", port },
    routes: [
      httpRoute({ id: "shop/api/0", pathPrefix: "/api", stripPrefix: true, sets, drainTimeoutMs: 10_000 }),
    ],
    ...overrides,
  });
}

const both = (weightA: number, weightB: number) => [
  set("r1", weightA, [upstream("a.0", a.port)]),
  set("r2", weightB, [upstream("b.0", b.port)]),
];

async function countBackends(count: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const reply = await get(`http://127.0.0.1:${port}/api/count`);
    expect(reply.status).toBe(200);
    const backend = (JSON.parse(reply.body) as { backend: string }).backend;
    counts[backend] = (counts[backend] ?? 0) + 1;
  }
  return counts;
}

// Generous timeouts: a reload is ~0.1 s on an idle machine, ten times that on a busy one.
describe("NginxDriver against nginx", { timeout: 30_000 }, () => {
  it("starts nginx and proxies /api with the security and forwarding headers", async () => {
    await nginx.driver.apply(apiConfig([set("r1", 100, [upstream("a.0", a.port)])]));
    expect(nginx.driver.status()).toMatchObject({ running: true, generation });

    const reply = await get(`http://127.0.0.1:${port}/api/users?page=2`, {
      headers: { "x-forwarded-for": "6.6.6.6", forwarded: "for=6.6.6.6" },
    });
    expect(reply.status).toBe(200);
    const seen = JSON.parse(reply.body) as { backend: string; url: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ backend: "a", url: "/users?page=2" });
    expect(seen.headers).toMatchObject({
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      forwarded: `for=127.0.0.1;proto=http;host="127.0.0.1:${port}"`,
    });
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.headers.connection).toBeUndefined();
    expect(reply.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "content-security-policy": "default-src 'self'",
      "x-request-id": seen.headers["x-request-id"],
    });
    expect(reply.headers["strict-transport-security"]).toBeUndefined();

    expect(JSON.parse((await get(`http://127.0.0.1:${port}/api`)).body)).toMatchObject({ url: "/" });
    expect((await get(`http://127.0.0.1:${port}/apix`)).status).toBe(404);
  });

  it("splits requests exactly by set weight; weight 0 and draining instances get none", async () => {
    await nginx.driver.apply(apiConfig(both(90, 10)));
    expect(await countBackends(100)).toEqual({ a: 90, b: 10 });
    await nginx.driver.apply(apiConfig(both(0, 10)));
    expect(await countBackends(20)).toEqual({ b: 20 });
    await nginx.driver.apply(
      apiConfig([
        set("r1", 50, [upstream("a.0", a.port, "draining")]),
        set("r2", 50, [upstream("b.0", b.port)]),
      ]),
    );
    expect(await countBackends(20)).toEqual({ b: 20 });
  });

  it("reloads while 300 keep-alive requests run without failing one", async () => {
    await nginx.driver.apply(apiConfig(both(50, 50)));
    const load = loadLoop(`http://127.0.0.1:${port}/api/load`, 300, 3_000);
    const changes = [
      both(100, 0),
      [set("r1", 50, [upstream("a.0", a.port, "draining")]), set("r2", 50, [upstream("b.0", b.port)])],
      both(30, 70),
      both(50, 50),
    ];
    let loadRunning = true;
    void load.then(() => {
      loadRunning = false;
    });
    let reloadsUnderLoad = 0;
    for (const sets of changes) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await nginx.driver.apply(apiConfig(sets));
      if (loadRunning) reloadsUnderLoad++;
    }
    const result = await load;
    expect(reloadsUnderLoad).toBeGreaterThanOrEqual(2);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(300);
    // Only GETs that crossed an old worker closing an idle connection were resent (≤ 3 per reload).
    expect(result.resent).toBeLessThanOrEqual(changes.length * 3);
    expect(result.byBackend.a).toBeGreaterThan(0);
    expect(result.byBackend.b).toBeGreaterThan(0);
  });

  it("keeps a WebSocket open across a reload that drains its instance", async () => {
    await nginx.driver.apply(apiConfig([set("r1", 100, [upstream("a.0", a.port)])]));
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/socket`);
    const messages: string[] = [];
    socket.on("message", (data) => messages.push(String(data)));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const nextMessage = (count: number) =>
      expect.poll(() => messages.length, { timeout: 3_000, interval: 20 }).toBe(count);

    socket.send("before");
    await nextMessage(1);
    await nginx.driver.apply(
      apiConfig([
        set("r1", 0, [upstream("a.0", a.port, "draining")]),
        set("r2", 100, [upstream("b.0", b.port)]),
      ]),
    );
    socket.send("after");
    await nextMessage(2);
    expect(messages).toEqual(["a:before", "a:after"]);

    const fresh = new WebSocket(`ws://127.0.0.1:${port}/api/socket`);
    const reply = await new Promise<string>((resolve, reject) => {
      fresh.once("open", () => fresh.send("new"));
      fresh.once("message", (data) => resolve(String(data)));
      fresh.once("error", reject);
    });
    expect(reply).toBe("b:new");
    socket.close();
    fresh.close();
  });

  it("keeps a WebSocket to an instance that stays past the drain timeout of later reloads", async () => {
    // Each publish is a reload; old workers used to cut every WebSocket at the drain timeout.
    const quickDrain = (sets: readonly UpstreamSet[]) => {
      const config = apiConfig(sets);
      return { ...config, routes: config.routes.map((route) => ({ ...route, drainTimeoutMs: 200 })) };
    };
    await nginx.driver.apply(quickDrain([set("r1", 100, [upstream("a.0", a.port)])]));
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/socket`);
    const messages: string[] = [];
    let closed: number | undefined;
    socket.on("message", (data) => messages.push(String(data)));
    socket.on("close", (code) => {
      closed = code;
    });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    await nginx.driver.apply(quickDrain(both(50, 50)));
    await nginx.driver.apply(quickDrain(both(100, 0)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    socket.send("later");
    await expect.poll(() => messages, { timeout: 3_000, interval: 20 }).toEqual(["a:later"]);
    expect(closed).toBeUndefined();
    socket.close();
  });

  it("keeps the old config serving when nginx -t refuses the new one, and says why", async () => {
    await nginx.driver.apply(apiConfig(both(50, 50)));
    const live = readFileSync(nginx.driver.configFile, "utf8");
    const missing = join(nginx.dir, "missing.crt");
    const bad = apiConfig(both(50, 50), {
      https: { host: "127.0.0.1", port: await freePort() },
      tls: {
        certificates: [{ domains: ["a.test"], certFile: missing, keyFile: missing }],
        minVersion: "1.2",
      },
    });
    const error = await nginx.driver.apply(bad).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_NGINX_CONFIG_INVALID" });
    expect((error as Error).message).toContain("cannot load certificate");
    expect((error as Error).message).toContain(missing);
    expect(readFileSync(nginx.driver.configFile, "utf8")).toBe(live);
    expect(nginx.driver.status().generation).toBe(generation - 1);
    expect((await get(`http://127.0.0.1:${port}/api/still`)).status).toBe(200);
  });

  it("keeps the old config serving when the reload itself fails (port taken)", async () => {
    const live = readFileSync(nginx.driver.configFile, "utf8");
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const cert = makeCertificate(nginx.dir, "a.test");
    try {
      const bad = apiConfig(both(50, 50), {
        https: { host: "127.0.0.1", port: (taken.address() as { port: number }).port },
        tls: { certificates: [{ domains: ["a.test"], ...cert }], minVersion: "1.2" },
      });
      const error = await nginx.driver.apply(bad).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "E_NGINX_CONFIG_INVALID" });
      expect((error as Error).message).toMatch(/bind\(\) to 127\.0\.0\.1:\d+ failed .*in use/);
      expect(readFileSync(nginx.driver.configFile, "utf8")).toBe(live);
      expect((await get(`http://127.0.0.1:${port}/api/still`)).status).toBe(200);
      // The next config right away (a rollback does this): applied and served, not mistaken for refused
      // by the bind() retries of the refused reload, and the refused one never goes live later.
      await nginx.driver.apply(apiConfig(both(0, 100)));
      taken.close();
      expect(await countBackends(10)).toEqual({ b: 10 });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await countBackends(10)).toEqual({ b: 10 });
    } finally {
      taken.close();
    }
  });

  it("says why nginx could not start, and leaves no config claiming to be served", async () => {
    const other = nginxInstance();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const config = routerConfig({
        http: { host: "127.0.0.1", port: (taken.address() as { port: number }).port },
      });
      await expect(other.driver.apply(config)).rejects.toMatchObject({
        code: "E_NGINX_START",
        message: expect.stringMatching(/bind\(\) to 127\.0\.0\.1:\d+ failed .*in use/),
      });
      expect(other.driver.status()).toMatchObject({ running: false, generation: undefined });
    } finally {
      taken.close();
      await other.cleanup();
    }
  });

  it("refuses a value nginx cannot take before writing anything", async () => {
    const bad = apiConfig(both(50, 50));
    const evil = {
      ...bad,
      routes: [{ ...bad.routes[0]!, domains: ["a.test; return 200 x"] }],
    } as RouterConfig;
    await expect(nginx.driver.apply(evil)).rejects.toMatchObject({
      code: "E_NGINX_CONFIG",
      message: expect.stringContaining("routes[0].domains[0]"),
    });
    expect((await get(`http://127.0.0.1:${port}/api/still`)).status).toBe(200);
  });

  it("stops gracefully", async () => {
    const { pid } = nginx.driver.status();
    await nginx.driver.stop();
    expect(nginx.driver.status()).toMatchObject({ running: false, pid: undefined });
    expect(pid).toBeDefined();
    await expect(get(`http://127.0.0.1:${port}/api/gone`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

import { request } from "node:http";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { RouterConfig } from "../model.js";
import {
  closeAll,
  config,
  freePort,
  httpRoute,
  send,
  set,
  startRouter,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

const withLimits = (base: RouterConfig, limits: Partial<RouterConfig["limits"]>): RouterConfig => ({
  ...base,
  limits: { ...base.limits, ...limits },
});

describe("Router security", () => {
  it("adds security headers the upstream did not set, without HSTS on plain HTTP", async () => {
    const api = await startUpstream("api", (_req, res) => {
      res.setHeader("referrer-policy", "no-referrer");
      res.end("ok");
    });
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    const reply = await send(port, "/");
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
    expect(reply.headers["content-security-policy"]).toBe("default-src 'self'");
    expect(reply.headers["referrer-policy"]).toBe("no-referrer");
    expect(reply.headers["strict-transport-security"]).toBeUndefined();
    expect(reply.headers["x-request-id"]).toBe(api.seen[0]?.headers["x-request-id"]);
    await send(port, "/", { headers: { "x-request-id": "abc-123" } });
    expect(api.seen[1]?.headers["x-request-id"]).toBe("abc-123");
  });

  it("limits requests per client address with a token bucket (429 + Retry-After)", async () => {
    const api = await startUpstream("api");
    const base = config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]);
    const { port } = await startRouter(withLimits(base, { rateLimitPerSecond: 1, rateLimitBurst: 3 }));
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push(await send(port, "/"));
    expect(statuses.map((reply) => reply.status)).toEqual([200, 200, 200, 429]);
    expect(Number(statuses[3]?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("refuses bodies over maxBodyBytes, declared or streamed (413)", async () => {
    const api = await startUpstream("api");
    const base = config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]);
    const { port } = await startRouter(withLimits(base, { maxBodyBytes: 1000 }));
    const declared = await send(port, "/", { method: "POST", body: "x".repeat(2000) });
    expect(declared.status).toBe(413);
    expect(api.seen).toHaveLength(0);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("y".repeat(600));
      req.end("y".repeat(600));
    });
    expect(streamed).toBe(413);
    expect((await send(port, "/", { method: "POST", body: "small" })).status).toBe(200);
  });

  it("keeps incoming forwarding headers only from trusted proxies and drops hop-by-hop headers", async () => {
    const api = await startUpstream("api");
    const route = httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])]);
    const log = new PassThrough();
    const lines: string[] = [];
    log.on("data", (chunk) => lines.push(...String(chunk).trim().split("\n")));
    const spoofed = {
      host: "a.test",
      "x-forwarded-for": "6.6.6.6",
      "x-forwarded-proto": "https",
      forwarded: "for=6.6.6.6",
      connection: "x-secret",
      "x-secret": "1",
    };
    const untrusted = await startRouter(config([route]), { accessLog: log });
    await send(untrusted.port, "/", { headers: spoofed });
    expect(api.seen[0]?.headers).toMatchObject({
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "a.test",
      forwarded: "for=127.0.0.1;proto=http;host=a.test",
    });
    expect(api.seen[0]?.headers["x-secret"]).toBeUndefined();
    const trusted = await startRouter(config([route], { trustedProxies: ["127.0.0.0/8"] }), {
      accessLog: log,
    });
    await send(trusted.port, "/", { headers: spoofed });
    expect(api.seen[1]?.headers).toMatchObject({
      "x-forwarded-for": "6.6.6.6, 127.0.0.1",
      "x-forwarded-proto": "https",
      forwarded: "for=6.6.6.6, for=127.0.0.1;proto=http;host=a.test",
    });
    // Lines are written in batches (access-log.ts).
    await expect.poll(() => lines.length).toBe(2);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.clientIp)).toEqual(["127.0.0.1", "6.6.6.6"]);
    expect(entries[0]).toMatchObject({ method: "GET", host: "a.test", path: "/", status: 200, bytes: 5 });
    expect(entries[0]).toMatchObject({ upstream: "api", route: "shop/api/0", version: "r1" });
    expect(typeof entries[0].durationMs).toBe("number");
    expect(entries[0].requestId).toBe(api.seen[0]?.headers["x-request-id"]);
  });

  it("redirects plain HTTP to HTTPS, except ACME challenges", async () => {
    const api = await startUpstream("api");
    const httpsPort = await freePort();
    const { port } = await startRouter(
      config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])], { httpsRedirect: true })], {
        https: { host: "127.0.0.1", port: httpsPort },
        acmeChallenges: { tok_EN1: "tok_EN1.thumbprint" },
      }),
    );
    const get = await send(port, "/path?q=1", { headers: { host: "a.test" } });
    expect([get.status, get.headers.location]).toEqual([301, `https://a.test:${httpsPort}/path?q=1`]);
    const post = await send(port, "/form", { method: "POST", headers: { host: "a.test" }, body: "x" });
    expect(post.status).toBe(308);
    const challenge = await send(port, "/.well-known/acme-challenge/tok_EN1", {
      headers: { host: "a.test" },
    });
    expect([challenge.status, challenge.body]).toEqual([200, "tok_EN1.thumbprint"]);
    expect((await send(port, "/.well-known/acme-challenge/other")).status).toBe(404);
    expect(api.seen).toHaveLength(0);
  });
});

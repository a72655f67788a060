import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../network/ports.js";
import { config, httpRoute, send, set } from "../http/test-support.js";
import type { RouterConfig } from "../model.js";
import { type Backend, startBackend } from "./backends.js";
import type { DriverUnderTest } from "./under-test.js";

/** Sends raw bytes and returns everything the router answered before it closed (or `timeoutMs` passed). */
function raw(port: number, text: string, timeoutMs = 10_000): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => resolve({ answer, closed: true }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve({ answer, closed: true }) : reject(error),
    );
    setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, timeoutMs).unref();
  });
}

/**
 * The request checks and limits both drivers apply (`x-slipway.router`): 400 for requests too
 * ambiguous to route, 429 with `Retry-After` over the rate, 413 over the body size, a refusal over the
 * header size, and clients too slow with their headers cut. Real data plane, real backend.
 */
export function describeRouterHardening(name: string, start: () => Promise<DriverUnderTest>): void {
  describe(`router hardening: ${name}`, () => {
    let under: DriverUnderTest;
    let backend: Backend;
    let port = 0;
    const apply = (limits: Partial<RouterConfig["limits"]> = {}) => {
      const base = config([]);
      return under.driver.apply(
        config([httpRoute("shop/api/0", [set("r1", 100, [backend.upstream()])])], {
          http: { host: "127.0.0.1", port },
          limits: { ...base.limits, ...limits },
        }),
      );
    };
    let seen = 0;

    beforeEach(async () => {
      under = await start();
      port = await freePort();
      seen = 0;
      backend = await startBackend("app", (req, res) => {
        seen++;
        res.end(`app:${req.url}`);
      });
    });
    afterEach(async () => {
      await under.cleanup();
      await backend.close();
    });

    it("answers 400 to two Host headers, HTTP/0.9 and an absolute-form target for another host; the app sees none", async () => {
      await apply();
      const close = "Connection: close\r\n\r\n";
      expect((await raw(port, `GET / HTTP/1.1\r\nHost: a.example\r\n${close}`)).answer).toMatch(
        /^HTTP\/1\.1 200/,
      );
      expect(seen).toBe(1);
      const twoHosts = await raw(port, `GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n${close}`);
      expect(twoHosts.answer).toMatch(/^HTTP\/1\.1 400/);
      // HTTP/0.9 has no status line: nginx sends its 400 page's body, the builtin router a 1.1 400.
      const h09 = await raw(port, "GET /\r\n\r\n");
      expect(h09.answer).toMatch(/^HTTP\/1\.1 400|400 Bad Request/);
      expect(h09.answer).not.toContain("app:");
      const other = await raw(port, `GET http://b.example/admin HTTP/1.1\r\nHost: a.example\r\n${close}`);
      expect(other.answer).toMatch(/^HTTP\/1\.1 400/);
      const same = await raw(port, `GET http://A.example:80/ok HTTP/1.1\r\nHost: a.example\r\n${close}`);
      expect(same.answer).toMatch(/^HTTP\/1\.1 200/);
      expect(seen).toBe(2);
    });

    it("answers 429 with Retry-After over the rate limit, 413 over the body size, and refuses oversized headers", async () => {
      await apply({ rateLimitPerSecond: 1, rateLimitBurst: 2, maxBodyBytes: 1024 });
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 5; i++) {
        const reply = await send(port, "/");
        statuses.push(reply.status);
        if (reply.status === 429) limited ??= reply;
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(limited?.headers["retry-after"]).toMatch(/^\d+$/);
      await apply({ maxBodyBytes: 1024 });
      const big = await send(port, "/upload", { method: "POST", body: "x".repeat(4096) });
      expect(big.status).toBe(413);
      expect((await send(port, "/small", { method: "POST", body: "x".repeat(512) })).status).toBe(200);
      // Request headers: about 16 KiB in all (builtin 431, nginx 400).
      expect((await send(port, "/h", { headers: { "x-pad": "p".repeat(4096) } })).status).toBe(200);
      const huge = await send(port, "/h", {
        headers: { "x-a": "p".repeat(7000), "x-b": "p".repeat(7000), "x-c": "p".repeat(7000) },
      });
      expect([400, 431]).toContain(huge.status);
    });

    it("lets another client's POSTs through while 600 slow request bodies from one client hang", async () => {
      await apply();
      const sockets: Socket[] = [];
      try {
        for (let i = 0; i < 600; i++)
          sockets.push(
            await new Promise<Socket>((resolve, reject) => {
              const socket = connect({ port, host: "127.0.0.1", localAddress: "127.0.0.2" }, () => {
                socket.write("POST /slow HTTP/1.1\r\nHost: a.example\r\nContent-Length: 100000\r\n\r\nfirst");
                resolve(socket);
              });
              socket.on("error", reject);
            }),
          );
        for (let i = 0; i < 5; i++)
          expect((await send(port, "/normal", { method: "POST", body: "hello" })).status).toBe(200);
        expect(seen).toBe(5);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    }, 60_000);

    it("cuts a client that is too slow with its headers (headers_timeout); the app sees nothing", async () => {
      await apply({ headersTimeoutMs: 1000 });
      const started = Date.now();
      const slow = await raw(port, "GET /slow HTTP/1.1\r\nHost: a.example\r\nX-Wait: 1\r\n", 20_000);
      expect(slow.closed).toBe(true);
      expect(slow.answer).not.toContain("app:");
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(seen).toBe(0);
    });
  });
}

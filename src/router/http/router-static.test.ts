import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StaticRoute } from "../model.js";
import { closeAll, config, send, startRouter } from "./test-support.js";

afterEach(closeAll);

let base = "";
let root = "";
const script = "console.log('hashed asset');\n".repeat(20);

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "slipway-static-"));
  root = join(base, "site");
  mkdirSync(join(root, "docs"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<h1>home</h1>");
  writeFileSync(join(root, "docs", "index.html"), "<h1>docs</h1>");
  writeFileSync(join(root, "app.3f2a1b9c.js"), script);
  writeFileSync(join(root, "app.3f2a1b9c.js.gz"), gzipSync(script));
  writeFileSync(join(root, "style.css"), "body{}");
  writeFileSync(join(root, ".env"), "SECRET=1");
  writeFileSync(join(base, "passwd"), "root:x:0:0");
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const route = (extra: Partial<StaticRoute> = {}): StaticRoute => ({
  kind: "static",
  id: "shop/web/0",
  project: "shop",
  service: "web",
  domains: [],
  pathPrefix: "/",
  root,
  spaFallback: true,
  httpsRedirect: false,
  ...extra,
});

/** A request with the path sent exactly as written (no URL normalisation), with the body as bytes. */
function raw(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("Router static routes", () => {
  it("serves index.html with validators, no-cache and security headers, and answers 304", async () => {
    const { port } = await startRouter(config([route()]));
    const home = await send(port, "/");
    expect(home).toMatchObject({ status: 200, body: "<h1>home</h1>" });
    expect(home.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    expect(home.headers["last-modified"]).toBeDefined();
    const again = await send(port, "/", { headers: { "if-none-match": String(home.headers.etag) } });
    expect(again.status).toBe(304);
    const since = await send(port, "/", {
      headers: { "if-modified-since": String(home.headers["last-modified"]) },
    });
    expect(since.status).toBe(304);
    expect((await send(port, "/docs")).headers.location).toBe("/docs/");
    expect((await send(port, "/docs/")).body).toBe("<h1>docs</h1>");
    expect((await send(port, "/style.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("caches hashed assets for a year and serves the gzip sibling when accepted", async () => {
    const { port } = await startRouter(config([route()]));
    const gz = await raw(port, "/app.3f2a1b9c.js", { "accept-encoding": "gzip, deflate, br;q=0" });
    expect(gz.headers).toMatchObject({
      "cache-control": "public, max-age=31536000, immutable",
      "content-encoding": "gzip",
      "content-type": "text/javascript; charset=utf-8",
      vary: "Accept-Encoding",
    });
    expect(gz.body).toEqual(gzipSync(script));
    const plain = await raw(port, "/app.3f2a1b9c.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(String(plain.body)).toBe(script);
    expect(plain.headers.etag).not.toBe(gz.headers.etag);
  });

  it("falls back to index.html for extension-less paths only", async () => {
    const { port } = await startRouter(config([route()]));
    expect((await send(port, "/dashboard/settings")).body).toBe("<h1>home</h1>");
    expect((await send(port, "/missing.js")).status).toBe(404);
    const strict = await startRouter(config([route({ spaFallback: false })]));
    expect((await send(strict.port, "/dashboard")).status).toBe(404);
  });

  it("never serves files outside root or dotfiles", async () => {
    const { port } = await startRouter(config([route()]));
    for (const path of [
      "/../passwd",
      "/%2e%2e/passwd",
      "/..%2fpasswd",
      "/%2e%2e%2fpasswd",
      "/docs/../../passwd",
      "/.env",
      "/%2eenv",
    ]) {
      const reply = await raw(port, path);
      expect([400, 404], path).toContain(reply.status);
      expect(String(reply.body), path).not.toContain("root:x");
      expect(String(reply.body), path).not.toContain("SECRET");
    }
    expect((await raw(port, "/%E0%A4%A")).status).toBe(400);
    expect((await raw(port, "/a%00b")).status).toBe(400);
  });

  it("serves a static route under a path prefix", async () => {
    const { port } = await startRouter(config([route({ pathPrefix: "/app", spaFallback: false })]));
    expect((await send(port, "/app/")).body).toBe("<h1>home</h1>");
    expect((await send(port, "/app/docs/")).body).toBe("<h1>docs</h1>");
    expect((await send(port, "/app/docs")).headers.location).toBe("/app/docs/");
    expect((await send(port, "/app?x=1")).headers.location).toBe("/app/?x=1");
    expect((await send(port, "/other")).status).toBe(404);
  });
});

import { describe, expect, it } from "vitest";
import { requestedPath } from "./static-paths.js";
import { acceptedEncodings, cacheControlOf, contentTypeOf, isHashedName } from "./static-policy.js";

describe("static file policy", () => {
  it("recognizes content-hashed names", () => {
    expect(isHashedName("assets/app.3f2a1b9c.js")).toBe(true);
    expect(isHashedName("app.3F2A1B9C0D.css")).toBe(true);
    expect(isHashedName("app.3f2a1b9.js")).toBe(false);
    expect(isHashedName("deadbeef0.js")).toBe(false);
    expect(cacheControlOf("index.html")).toBe("no-cache");
    expect(contentTypeOf("a/b.WASM")).toBe("application/wasm");
    expect(contentTypeOf("noext")).toBe("application/octet-stream");
  });

  it("reads Accept-Encoding with q-values", () => {
    expect(acceptedEncodings("gzip, deflate, br")).toEqual(["br", "gzip"]);
    expect(acceptedEncodings("br;q=0, gzip;q=0.5")).toEqual(["gzip"]);
    expect(acceptedEncodings("*")).toEqual(["br", "gzip"]);
    expect(acceptedEncodings("identity")).toEqual([]);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });

  it("rejects traversal, dotfiles and bad encodings, keeping .well-known", () => {
    expect(requestedPath("/", "/a/b.js?x")).toEqual({ ok: true, segments: ["a", "b.js"] });
    expect(requestedPath("/app", "/app/x")).toEqual({ ok: true, segments: ["x"] });
    expect(requestedPath("/", "/%2e%2e/etc/passwd")).toEqual({ ok: false, status: 404 });
    expect(requestedPath("/", "/.git/config")).toEqual({ ok: false, status: 404 });
    expect(requestedPath("/", "/a%5c..%5cb")).toEqual({ ok: false, status: 400 });
    expect(requestedPath("/", "/%zz")).toEqual({ ok: false, status: 400 });
    expect(requestedPath("/", "/.well-known/security.txt")).toMatchObject({ ok: true });
  });
});

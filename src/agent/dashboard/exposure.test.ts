import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { fromOwnOrigin, loopbackExposure, publishedExposure, sessionCookie, sessionOf } from "./exposure.js";

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const published = { host: "ops.example.com", origin: "https://ops.example.com:8443" };

describe("the dashboard's exposure", () => {
  it("serves the loopback listener at the origin the browser used, with a plain session cookie", () => {
    const exposure = loopbackExposure(request({ host: "localhost:8000" }));
    expect(exposure).toEqual({ origin: "http://localhost:8000", secure: false });
    expect(sessionCookie(exposure, "abc", 43_200)).toBe(
      "slipway_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200",
    );
    expect(sessionOf(request({ cookie: "a=1; slipway_session=abc" }), exposure)).toBe("abc");
  });

  it("serves the router listener at the published origin only for the published host, with a Secure __Host- cookie", () => {
    const exposure = publishedExposure(request({ host: "OPS.example.com:8443" }), published)!;
    expect(exposure).toEqual({ origin: "https://ops.example.com:8443", secure: true });
    expect(sessionCookie(exposure, "abc", 0)).toBe(
      "__Host-slipway_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0",
    );
    // A cookie set on the loopback origin is not the published one's.
    expect(sessionOf(request({ cookie: "slipway_session=abc" }), exposure)).toBeUndefined();
    expect(sessionOf(request({ cookie: "__Host-slipway_session=xyz" }), exposure)).toBe("xyz");
    expect(publishedExposure(request({ host: "other.example.com" }), published)).toBeUndefined();
    expect(publishedExposure(request({ host: "ops.example.com" }), undefined)).toBeUndefined();
    // Forwarded headers change nothing: the listener decides.
    expect(
      publishedExposure(
        request({ host: "127.0.0.1:9", "x-forwarded-host": "ops.example.com", "x-forwarded-proto": "https" }),
        published,
      ),
    ).toBeUndefined();
    expect(loopbackExposure(request({ host: "127.0.0.1:9471", "x-forwarded-proto": "https" })).secure).toBe(
      false,
    );
  });

  it("accepts a change only from the exposure's own origin", () => {
    const exposure = { origin: "https://ops.example.com:8443", secure: true };
    expect(fromOwnOrigin(request({ origin: "https://ops.example.com:8443" }), exposure)).toBe(true);
    expect(fromOwnOrigin(request({ origin: "https://ops.example.com" }), exposure)).toBe(false);
    expect(fromOwnOrigin(request({ origin: "http://ops.example.com:8443" }), exposure)).toBe(false);
    expect(fromOwnOrigin(request({ origin: "https://evil.example" }), exposure)).toBe(false);
    expect(fromOwnOrigin(request({ origin: "null" }), exposure)).toBe(false);
    // No Origin: not a browser (curl), unless the browser says the request is cross-site.
    expect(fromOwnOrigin(request({}), exposure)).toBe(true);
    expect(fromOwnOrigin(request({ "sec-fetch-site": "cross-site" }), exposure)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { percentile } from "../version-stats.js";
import { clientAddress, TrustedProxies } from "./client-address.js";
import { upstreamRequestHeaders, withoutHopByHop } from "./forwarded.js";
import { acmeChallengeAnswer, httpsLocation } from "./https-redirect.js";
import { RateLimiter } from "./rate-limit.js";

describe("request rules", () => {
  it("finds the client behind trusted proxies only", () => {
    const trusted = new TrustedProxies(["10.0.0.0/8", "::1"]);
    expect(clientAddress("10.1.2.3", "1.1.1.1, 10.9.9.9", trusted)).toBe("1.1.1.1");
    expect(clientAddress("::ffff:10.1.2.3", "2.2.2.2", trusted)).toBe("2.2.2.2");
    expect(clientAddress("8.8.8.8", "1.1.1.1", trusted)).toBe("8.8.8.8");
    expect(new TrustedProxies([]).trusts("127.0.0.1")).toBe(false);
  });

  it("removes hop-by-hop headers and quotes IPv6 in Forwarded", () => {
    expect(
      withoutHopByHop({
        connection: "close, x-a",
        "x-a": "1",
        "keep-alive": "5",
        te: "trailers",
        accept: "*/*",
      }),
    ).toEqual({
      accept: "*/*",
    });
    const headers = upstreamRequestHeaders(
      { host: "a.test:8080" },
      { peer: "::1", trusted: false, proto: "https", requestId: "r", upgrade: false },
    );
    expect(headers.forwarded).toBe('for="[::1]";proto=https;host="a.test:8080"');
  });

  it("builds HTTPS redirects and ACME answers", () => {
    expect(httpsLocation("a.test:80", 443, "/x?y")).toBe("https://a.test/x?y");
    expect(httpsLocation("a.test", 8443, "/")).toBe("https://a.test:8443/");
    expect(httpsLocation("evil.test/@x", 443, "/")).toBeUndefined();
    expect(acmeChallengeAnswer("/.well-known/acme-challenge/__proto__", {}).status).toBe(404);
  });

  it("refills token buckets over time", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take("ip", 2, 2).allowed).toBe(true);
    expect(limiter.take("ip", 2, 2).allowed).toBe(true);
    expect(limiter.take("ip", 2, 2)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500;
    expect(limiter.take("ip", 2, 2).allowed).toBe(true);
    expect(limiter.take("other", 2, 2).allowed).toBe(true);
    expect(limiter.take("ip", 0, 0).allowed).toBe(true);
  });

  it("computes nearest-rank percentiles", () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95);
    expect(percentile([5], 0.95)).toBe(5);
  });
});

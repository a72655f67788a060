import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { Duration } from "../../manifest/schema/duration.js";
import { routerLimits } from "./router-limits.js";

const router = (overrides: Record<string, unknown> = {}) =>
  ({
    trusted_proxies: [],
    max_body_size: 10 * 1024 * 1024,
    headers_timeout: new Duration(30_000),
    idle_timeout: new Duration(60_000),
    request_timeout: new Duration(60_000),
    ...overrides,
  }) as never;

describe("routerLimits", () => {
  it("is off for rate and keeps the safe defaults when no project sets anything", () => {
    expect(routerLimits([router()], 10_000)).toEqual({
      limits: {
        rateLimitPerSecond: 0,
        rateLimitBurst: 0,
        maxBodyBytes: 10 * 1024 * 1024,
        headersTimeoutMs: 30_000,
        idleTimeoutMs: 60_000,
        requestTimeoutMs: 60_000,
        queueTimeoutMs: 10_000,
      },
      trustedProxies: [],
      workers: 1,
    });
  });

  it("runs the most workers any project asks for; auto is one per CPU core", () => {
    expect(routerLimits([router({ workers: 2 }), router({ workers: 3 }), router()], 10_000).workers).toBe(3);
    expect(routerLimits([router({ workers: "auto" })], 10_000).workers).toBe(availableParallelism());
  });

  it("takes the strictest limits across projects and the union of trusted proxies", () => {
    const { limits, trustedProxies } = routerLimits(
      [
        router({ rate_limit: { requests_per_second: 50 }, trusted_proxies: ["10.0.0.0/8"] }),
        router({
          rate_limit: { requests_per_second: 5, burst: 20 },
          max_body_size: 1024,
          headers_timeout: new Duration(5_000),
          trusted_proxies: ["10.0.0.0/8", "fd00::/8"],
        }),
      ],
      10_000,
    );
    expect(limits).toMatchObject({
      rateLimitPerSecond: 5,
      rateLimitBurst: 20,
      maxBodyBytes: 1024,
      headersTimeoutMs: 5_000,
    });
    expect(trustedProxies).toEqual(["10.0.0.0/8", "fd00::/8"]);
  });

  it("reads a release stored before these keys existed as the defaults", () => {
    expect(routerLimits([{ http_port: 80 } as never], 10_000)).toEqual(routerLimits([router()], 10_000));
  });

  it("gives a rate without a burst one second's worth", () => {
    expect(
      routerLimits([router({ rate_limit: { requests_per_second: 2.5 } })], 1).limits.rateLimitBurst,
    ).toBe(3);
  });
});

import { isIP } from "node:net";
import { z } from "zod";
import { Duration, duration } from "./duration.js";
import { composeObject } from "./object.js";
import { byteSize, int, num } from "./scalars.js";

/** `10.0.0.5`, `10.0.0.0/8` or `fd00::/8`. */
const addressOrNetwork = z.string().refine((value) => {
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128);
}, "must be an IP address or a network such as 10.0.0.0/8");

/**
 * `x-slipway.router` keys that protect the router: rate limits, trusted proxies, sizes and timeouts.
 * They are router-wide; with several projects the strictest setting wins and trusted proxies add up.
 */
export const routerLimits = {
  /** Per client IP, over every route: a token bucket; over it, 429 with `Retry-After`. Default off. */
  rate_limit: composeObject({
    /** Requests per second; 0 = no limit. */
    requests_per_second: num.refine((n) => n >= 0, "must be 0 or more"),
    /** Requests allowed at once above the rate. Default: one second's worth (at least 1). */
    burst: int.optional(),
  }).optional(),
  /** Proxies in front of the router whose `X-Forwarded-For`/`-Proto`/`Forwarded` headers are believed. Default none. */
  trusted_proxies: z.array(addressOrNetwork).default([]),
  /** Largest request body; larger gets 413. Default `10m`. */
  max_body_size: byteSize.default(10 * 1024 * 1024),
  /** Longest wait for a request's headers (a slow client is cut). Default 30s. */
  headers_timeout: duration.default(new Duration(30_000)),
  /** An idle keep-alive connection is closed after this. Default 60s. */
  idle_timeout: duration.default(new Duration(60_000)),
  /** Whole request towards the upstream. Default 60s. */
  request_timeout: duration.default(new Duration(60_000)),
};

import { availableParallelism } from "node:os";
import type { AppSpec } from "../../manifest/model.js";
import type { RouterConfig } from "../model.js";

type RouterSettings = AppSpec["x-slipway"]["router"];

/** Releases stored before these keys existed lack them: read as "not set". */
type MaybeSet<T> = { readonly [K in keyof T]?: T[K] | undefined };

/** The smaller of two limits where 0 means none. */
const stricter = (a: number, b: number) => (a === 0 ? b : b === 0 ? a : Math.min(a, b));

/** `workers: auto` is one per CPU core of this machine (at most 64, as a number may say). */
const workerCount = (workers: number | "auto" | undefined) =>
  workers === "auto" ? Math.min(64, availableParallelism()) : (workers ?? 1);

/**
 * The router-wide limits from every project's `x-slipway.router`: the strictest rate, size and
 * timeouts win (one project cannot loosen another's protection), trusted proxies add up; the
 * most workers any project asks for.
 */
export function routerLimits(
  settings: readonly RouterSettings[],
  queueTimeoutMs: number,
): Pick<RouterConfig, "limits" | "trustedProxies" | "workers"> {
  let rate = 0;
  let burst = 0;
  let maxBodyBytes = 0;
  let headersTimeoutMs = 0;
  let idleTimeoutMs = 0;
  let requestTimeoutMs = 0;
  const trusted = new Set<string>();
  let workers = 1;
  for (const router of settings as readonly MaybeSet<RouterSettings>[]) {
    workers = Math.max(workers, workerCount(router.workers));
    const perSecond = router.rate_limit?.requests_per_second ?? 0;
    if (perSecond > 0 && (rate === 0 || perSecond < rate)) {
      rate = perSecond;
      burst = router.rate_limit?.burst ?? Math.max(1, Math.ceil(perSecond));
    }
    maxBodyBytes = stricter(maxBodyBytes, router.max_body_size ?? 0);
    headersTimeoutMs = stricter(headersTimeoutMs, router.headers_timeout?.ms ?? 0);
    idleTimeoutMs = stricter(idleTimeoutMs, router.idle_timeout?.ms ?? 0);
    requestTimeoutMs = stricter(requestTimeoutMs, router.request_timeout?.ms ?? 0);
    for (const proxy of router.trusted_proxies ?? []) trusted.add(proxy);
  }
  return {
    limits: {
      rateLimitPerSecond: rate,
      rateLimitBurst: burst,
      maxBodyBytes: maxBodyBytes || 10 * 1024 * 1024,
      headersTimeoutMs: headersTimeoutMs || 30_000,
      idleTimeoutMs: idleTimeoutMs || 60_000,
      requestTimeoutMs: requestTimeoutMs || 60_000,
      queueTimeoutMs,
    },
    trustedProxies: [...trusted].sort(),
    workers,
  };
}

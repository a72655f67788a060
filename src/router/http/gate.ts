import type { OutgoingHttpHeaders } from "node:http";
import type { HttpRoute, StaticRoute } from "../model.js";
import type { RequestRecord, RequestView, RouterContext, Snapshot } from "./context.js";
import {
  ACME_CHALLENGE_PREFIX,
  acmeChallengeAnswer,
  httpsLocation,
  redirectStatus,
} from "./https-redirect.js";
import { ambiguity } from "./request-shape.js";
import { matchRoute, pathOf } from "./route-table.js";

/** What to do with a request before it reaches its route's handler. */
export type GateDecision =
  | {
      readonly kind: "respond";
      readonly status: number;
      readonly body: string;
      readonly headers?: OutgoingHttpHeaders;
    }
  | { readonly kind: "static"; readonly route: StaticRoute }
  | { readonly kind: "proxy"; readonly route: HttpRoute };

/**
 * The checks every request passes, in order: an unambiguous request line and Host, ACME challenge (plain HTTP), rate limit, route,
 * HTTPS redirect, maintenance, declared body size. Sets `record.route` once a route matched. A
 * published port skips all but the first: it answers as the app behind it did before.
 */
export function gate(
  context: RouterContext,
  snapshot: Snapshot,
  request: RequestView,
  record: RequestRecord,
  listener: "http" | "https",
  /** The `host:port` of a published port's listener: its one route takes every request. */
  published?: string,
): GateDecision {
  const { config } = snapshot;
  const ambiguous = ambiguity(request);
  if (ambiguous)
    return {
      kind: "respond",
      status: 400,
      body: `bad request: ${ambiguous}\n`,
      headers: { connection: "close" },
    };
  if (published !== undefined) {
    const route = snapshot.publishedByListen.get(published);
    if (!route) return { kind: "respond", status: 503, body: "this port is not served now\n" };
    record.route = route;
    return { kind: "proxy", route };
  }
  const url = request.url ?? "/";
  const path = pathOf(url);
  if (listener === "http" && path.startsWith(ACME_CHALLENGE_PREFIX))
    return { kind: "respond", ...acmeChallengeAnswer(path, config.acmeChallenges) };
  const { rateLimitPerSecond, rateLimitBurst, maxBodyBytes } = config.limits;
  const rate = context.rateLimiter.take(record.clientIp, rateLimitPerSecond, rateLimitBurst);
  if (!rate.allowed)
    return {
      kind: "respond",
      status: 429,
      body: "too many requests\n",
      headers: { "retry-after": String(rate.retryAfterSeconds) },
    };
  const route = matchRoute(snapshot.table, request.headers.host ?? "", url);
  if (!route) return { kind: "respond", status: 404, body: "no route for this host and path\n" };
  record.route = route;
  if (listener === "http" && record.proto === "http" && route.httpsRedirect && config.https) {
    const location = httpsLocation(request.headers.host, config.https.port, url);
    if (!location) return { kind: "respond", status: 400, body: "invalid Host header\n" };
    return { kind: "respond", status: redirectStatus(request.method), body: "", headers: { location } };
  }
  if (config.maintenance && !(route.kind === "http" && route.duringMaintenance))
    return {
      kind: "respond",
      status: 503,
      body: config.maintenance.html,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "retry-after": String(config.maintenance.retryAfterSeconds),
        "cache-control": "no-store",
      },
    };
  if (Number(request.headers["content-length"] ?? 0) > maxBodyBytes)
    return {
      kind: "respond",
      status: 413,
      body: "request body too large\n",
      headers: { connection: "close" },
    };
  return route.kind === "static" ? { kind: "static", route } : { kind: "proxy", route };
}

import { randomUUID } from "node:crypto";
import { clientAddress, plainAddress } from "./client-address.js";
import type { RequestRecord, RequestView, RouterContext, Snapshot } from "./context.js";
import { effectiveProto, type ForwardingContext } from "./forwarded.js";
import { pathOf } from "./route-table.js";

/** An incoming request id is kept when it is short and plain; anything else is replaced. */
const REQUEST_ID = /^[\w.:@/+=-]{1,200}$/;

/** Everything known about a request when it arrives: its record and how to forward it. */
export function startRecord(
  snapshot: Snapshot,
  request: RequestView,
  listener: "http" | "https",
): { readonly record: RequestRecord; readonly forwarding: ForwardingContext } {
  const peer = plainAddress(request.socket.remoteAddress);
  const trusted = snapshot.trusted.trusts(peer);
  const incomingId = request.headers["x-request-id"];
  const requestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
  const forwardedFor = request.headers["x-forwarded-for"];
  const record: RequestRecord = {
    route: undefined,
    set: undefined,
    upstream: undefined,
    bytes: undefined,
    requestId,
    clientIp: clientAddress(
      peer,
      typeof forwardedFor === "string" ? forwardedFor : undefined,
      snapshot.trusted,
    ),
    proto: effectiveProto(listener, request.headers, trusted),
    startedMs: performance.now(),
  };
  return { record, forwarding: { peer, trusted, proto: listener, requestId, upgrade: false } };
}

/** The time as ISO 8601, formatted once per millisecond (many requests end in the same one under load). */
const clock = { ms: 0, iso: "" };
function isoNow(): string {
  const now = Date.now();
  if (now !== clock.ms) {
    clock.ms = now;
    clock.iso = new Date(now).toISOString();
  }
  return clock.iso;
}

/** Counts the finished request in the metrics and the version stats, and writes its access log line. */
export function finishRecord(
  context: RouterContext,
  request: RequestView,
  record: RequestRecord,
  status: number,
  declaredBytes: number,
): void {
  const durationMs = performance.now() - record.startedMs;
  const { route, set } = record;
  const version = set?.version ?? (route?.kind === "static" ? "static" : "none");
  if (route) {
    context.metrics.observeRequest(route, version, status, durationMs / 1000);
    if (set) context.stats.record(route.id, version, { error: status >= 500, durationMs });
  }
  if (!context.accessLog.enabled) return;
  context.accessLog.write({
    ts: isoNow(),
    method: request.method ?? "",
    host: request.headers.host ?? "",
    // Without the query string: it often carries tokens.
    path: pathOf(request.url ?? "/"),
    status,
    bytes: record.bytes ?? declaredBytes,
    durationMs: Math.round(durationMs * 100) / 100,
    upstream: record.upstream?.id ?? null,
    route: route?.id ?? null,
    version: set?.version ?? null,
    clientIp: record.clientIp,
    requestId: record.requestId,
  });
}

import { noticeText } from "../format.js";
import type { AlertNotice } from "../model.js";
import { type AlertChannel, postJson } from "./channel.js";

/** Alertmanager ends an alert it has not heard of again after its end time: a firing one is resent before. */
const SLACK_MS = 10 * 60_000;

/** One alert in the body of Alertmanager's `POST /api/v2/alerts`. */
export function alertmanagerAlert(notice: AlertNotice, now: number, repeatMs: number): object {
  const { alert } = notice;
  return {
    labels: {
      alertname: alert.rule,
      slipway_key: alert.key,
      project: alert.project || "machine",
      severity: alert.severity,
      ...(alert.service ? { service: alert.service } : {}),
    },
    annotations: { summary: alert.summary, description: noticeText(notice) },
    startsAt: new Date(alert.since).toISOString(),
    // Firing: until a repeat (sent every `repeat`) could extend it; resolved: when it resolved.
    endsAt: new Date(
      notice.kind === "resolved" ? (alert.resolvedAt ?? now) : now + repeatMs + SLACK_MS,
    ).toISOString(),
    generatorURL: "slipway://alerts",
  };
}

/** Forwards notices to an existing Alertmanager (its v2 API), which routes, groups and silences them itself. */
export function alertmanagerChannel(url: string, repeatMs: number): AlertChannel {
  return {
    type: "alertmanager",
    send: (notice) =>
      postJson(
        `${url.replace(/\/$/, "")}/api/v2/alerts`,
        [alertmanagerAlert(notice, Date.now(), repeatMs)],
        "alertmanager",
      ),
  };
}

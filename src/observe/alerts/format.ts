import type { AlertNotice } from "./model.js";

const HEADLINE = { firing: "FIRING", repeat: "STILL FIRING", resolved: "RESOLVED" } as const;

/** One line a person reads: `[FIRING] instance_down shop/api: …`. */
export function noticeTitle(notice: AlertNotice): string {
  const { alert } = notice;
  return `[${HEADLINE[notice.kind]}] ${alert.rule} ${alert.service ? `${alert.project}/${alert.service}` : alert.project || "machine"}`;
}

/** Title, summary and times, as plain text (Telegram, Slack, e-mail). */
export function noticeText(notice: AlertNotice): string {
  const { alert } = notice;
  const since = `since ${new Date(alert.since).toISOString()}`;
  const end =
    notice.kind === "resolved" && alert.resolvedAt
      ? `, resolved ${new Date(alert.resolvedAt).toISOString()}`
      : "";
  return `${noticeTitle(notice)}\n${alert.summary}\n(${alert.severity}, ${since}${end})`;
}

/** The webhook's JSON body. */
export function noticeJson(notice: AlertNotice): object {
  const { alert } = notice;
  return {
    kind: notice.kind,
    status: alert.status,
    rule: alert.rule,
    key: alert.key,
    project: alert.project,
    service: alert.service ?? null,
    severity: alert.severity,
    summary: alert.summary,
    since: new Date(alert.since).toISOString(),
    resolvedAt: alert.resolvedAt ? new Date(alert.resolvedAt).toISOString() : null,
    text: noticeText(notice),
  };
}

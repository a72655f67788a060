import { ALERT_RULES, type AlertRuleName } from "../../manifest/schema/alert-rules.js";
import type { AlertLedger, AlertRecord, ChannelStatus, Silence } from "./model.js";

/** What `slipway alerts` shows. */
export interface AlertsView {
  /** Milliseconds since the epoch of the last evaluation; null before the first. */
  readonly evaluatedAt: number | null;
  readonly rules: readonly {
    readonly rule: AlertRuleName;
    readonly firing: number;
    readonly silencedUntil: number | null;
  }[];
  /** Firing alerts, oldest first, each with whether its rule is silenced. */
  readonly firing: readonly (AlertRecord & { readonly silenced: boolean })[];
  /** Resolved alerts, newest first. */
  readonly recent: readonly AlertRecord[];
  readonly silences: readonly Silence[];
  readonly channels: readonly ChannelStatus[];
}

export function alertsView(ledger: AlertLedger, now: number, evaluatedAt: number | undefined): AlertsView {
  const silences = ledger.silences.filter((s) => s.until > now);
  const until = (rule: AlertRuleName) => silences.find((s) => s.rule === rule)?.until ?? null;
  const all = Object.values(ledger.alerts);
  const firing = all.filter((a) => a.status === "firing").sort((a, b) => a.since - b.since);
  return {
    evaluatedAt: evaluatedAt ?? null,
    rules: ALERT_RULES.map((rule) => ({
      rule,
      firing: firing.filter((a) => a.rule === rule).length,
      silencedUntil: until(rule),
    })),
    firing: firing.map((a) => ({ ...a, silenced: until(a.rule) !== null })),
    recent: all
      .filter((a) => a.status === "resolved")
      .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0)),
    silences,
    channels: Object.values(ledger.channels).sort((a, b) =>
      `${a.project}/${a.channel}`.localeCompare(`${b.project}/${b.channel}`),
    ),
  };
}

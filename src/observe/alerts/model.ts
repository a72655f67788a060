import type { AlertRuleName } from "../../manifest/schema/alert-rules.js";

export type { AlertRuleName };

/** Something a rule finds wrong now. `key` names it across evaluations (rule, project, subject). */
export interface AlertCondition {
  readonly rule: AlertRuleName;
  readonly key: string;
  /** Empty for the machine (disk of the state directory, a certificate): notices go to every channel. */
  readonly project: string;
  readonly service?: string | undefined;
  readonly severity: "warning" | "critical";
  readonly summary: string;
}

/** An alert as `slipway alerts` lists it. */
export interface AlertRecord extends AlertCondition {
  readonly status: "firing" | "resolved";
  /** Milliseconds since the epoch. */
  readonly since: number;
  readonly resolvedAt?: number | undefined;
  /** When a notice of it last went out (undefined: never, e.g. silenced). */
  readonly notifiedAt?: number | undefined;
  readonly notices: number;
}

/** How a channel's deliveries went: a broken channel shows here, never silently. */
export interface ChannelStatus {
  readonly channel: string;
  readonly project: string;
  readonly type: string;
  readonly lastSuccessAt?: number | undefined;
  readonly lastFailureAt?: number | undefined;
  readonly lastError?: string | undefined;
  /** Failed deliveries (after all retries) since the last success. */
  readonly failures: number;
}

export interface Silence {
  readonly rule: AlertRuleName;
  /** Milliseconds since the epoch. */
  readonly until: number;
}

/** What the alerts remember between evaluations and agent restarts (`$SLIPWAY_HOME/alerts.json`). */
export interface AlertLedger {
  readonly alerts: Record<string, AlertRecord>;
  readonly channels: Record<string, ChannelStatus>;
  readonly silences: readonly Silence[];
}

/** What a channel sends: an alert that fires, fires still, or resolved. */
export interface AlertNotice {
  readonly kind: "firing" | "repeat" | "resolved";
  readonly alert: AlertRecord;
}

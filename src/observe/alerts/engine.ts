import type { AppSpec } from "../../manifest/model.js";
import type { AlertRuleName } from "../../manifest/schema/alert-rules.js";
import type { AlertChannel } from "./channels/channel.js";
import { alertsOf } from "./config.js";
import { backoff, deliver } from "./deliver.js";
import { type AlertSource, FactReader } from "./facts.js";
import { readLedger, writeLedger } from "./ledger.js";
import type { AlertLedger, AlertNotice, AlertRecord } from "./model.js";
import { evaluateRules, windowedRules } from "./rules/index.js";
import { type AlertsView, alertsView } from "./view.js";

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_REPEAT_MS = 4 * 3_600_000;

export interface AlertEngineOptions {
  readonly source: AlertSource;
  /** Where firing alerts, silences and channel health persist (`$SLIPWAY_HOME/alerts.json`). */
  readonly ledgerFile: string;
  /** Where channel credentials (`*_env`) are read. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Reads a project's secret (`*_secret` credentials): the agent's secret store. Default: none. */
  readonly secret?: ((project: string, name: string) => Promise<string>) | undefined;
  /** Waits between delivery attempts. Default: from `alerts.retry_backoff` (2 s, 8 s, 32 s). */
  readonly backoffMs?: readonly number[] | undefined;
}

interface NamedChannel {
  readonly project: string;
  readonly name: string;
  readonly channel: AlertChannel;
  readonly repeatMs: number;
  readonly backoffMs: readonly number[];
}

/**
 * Evaluates the built-in rules over the agent's state at an interval: a new condition fires (one
 * notice per channel), one still true is sent again every `repeat`, one gone resolves with a notice.
 * A silenced rule is listed but sends nothing. Deliveries retry with backoff; how each channel fares
 * is kept, and a failed delivery is an `alert.delivery-failed` event.
 */
export class AlertEngine {
  private ledger: AlertLedger;
  private readonly facts: FactReader;
  private readonly windowed = windowedRules();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private evaluatedAt: number | undefined;
  private intervalMs = DEFAULT_INTERVAL_MS;
  private saved: string | undefined;

  constructor(private readonly options: AlertEngineOptions) {
    this.ledger = readLedger(options.ledgerFile);
    this.facts = new FactReader(options.source);
  }

  start(): void {
    const tick = () => {
      if (this.abort.signal.aborted) return;
      // Never what keeps a process alive: the agent's servers do.
      this.timer = setTimeout(
        () => void this.evaluate().catch(this.failed).finally(tick),
        this.intervalMs,
      ).unref();
    };
    tick();
  }

  /** A round that failed (state unreadable, a bug) is an `alert.error` event, never silent. */
  private readonly failed = (error: Error) => {
    try {
      this.record("", "alert.error", "error", `alert rules could not be evaluated: ${error.message}`);
    } catch {
      // The state store is closed: the agent is stopping.
    }
  };

  /** Stops evaluating; deliveries waiting to retry give up. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.idle();
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** One round: read facts, apply the rules, move alerts between firing and resolved, send notices. */
  async evaluate(now = Date.now()): Promise<void> {
    const facts = await this.facts.read(now);
    const specs = facts.projects.flatMap((p) => (p.spec ? [p.spec] : []));
    const intervals = specs.map((s) => alertsOf(s).interval.ms);
    this.intervalMs = intervals.length > 0 ? Math.min(...intervals) : DEFAULT_INTERVAL_MS;
    const channels = await this.channelsOf(specs);
    const conditions = evaluateRules(facts, this.windowed);
    const alerts = { ...this.ledger.alerts };
    const current = new Set(conditions.map((c) => c.key));
    for (const condition of conditions) {
      const known = alerts[condition.key];
      const record: AlertRecord =
        known?.status === "firing"
          ? { ...known, ...condition }
          : { ...condition, status: "firing", since: now, notices: 0 };
      alerts[condition.key] = this.maybeNotify(record, known?.status === "firing", channels, now);
    }
    for (const known of Object.values(alerts)) {
      if (known.status !== "firing" || current.has(known.key)) continue;
      const resolved: AlertRecord = { ...known, status: "resolved", resolvedAt: now };
      alerts[known.key] = resolved;
      this.record(resolved.project, "alert.resolved", "info", `resolved: ${resolved.summary}`);
      if (!this.silenced(resolved.rule, now) && resolved.notifiedAt !== undefined)
        this.send({ kind: "resolved", alert: resolved }, channels);
    }
    this.ledger = { ...this.ledger, alerts };
    this.evaluatedAt = now;
    this.save(now);
  }

  /** The channels the manifests name; their code (the Bot API's, nodemailer, …) loads once one does. */
  private async channelsOf(specs: readonly AppSpec[]): Promise<NamedChannel[]> {
    if (!specs.some((spec) => Object.keys(alertsOf(spec).channels).length > 0)) return [];
    const { createChannel, credentialsOf } = await import("./channels/create.js");
    return specs.flatMap((spec) =>
      Object.entries(alertsOf(spec).channels).map(
        ([name, config]): NamedChannel => ({
          project: spec.name,
          name,
          channel: createChannel(
            config,
            credentialsOf(this.options.env ?? process.env, spec.name, this.options.secret),
            alertsOf(spec).repeat.ms,
          ),
          repeatMs: alertsOf(spec).repeat.ms,
          backoffMs: this.options.backoffMs ?? backoff(alertsOf(spec).retry_backoff.ms),
        }),
      ),
    );
  }

  /** Sends the first notice of a firing alert, or a repeat once `repeat` has passed (unless silenced). */
  private maybeNotify(
    record: AlertRecord,
    wasFiring: boolean,
    channels: NamedChannel[],
    now: number,
  ): AlertRecord {
    if (!wasFiring) this.record(record.project, "alert.firing", "error", `firing: ${record.summary}`);
    if (this.silenced(record.rule, now)) return record;
    const targets = channels.filter((c) => record.project === "" || c.project === record.project);
    const repeatMs = Math.min(...targets.map((c) => c.repeatMs), DEFAULT_REPEAT_MS);
    if (record.notifiedAt !== undefined && now - record.notifiedAt < repeatMs) return record;
    const notified = { ...record, notifiedAt: now, notices: record.notices + 1 };
    this.send({ kind: record.notifiedAt === undefined ? "firing" : "repeat", alert: notified }, targets);
    return notified;
  }

  private send(notice: AlertNotice, channels: readonly NamedChannel[]): void {
    for (const target of channels) {
      if (notice.alert.project !== "" && target.project !== notice.alert.project) continue;
      const delivery = deliver(target.channel, notice, target.backoffMs, this.abort.signal)
        .then((result) => this.noteDelivery(target, result.ok ? undefined : result.error))
        .finally(() => this.inflight.delete(delivery));
      this.inflight.add(delivery);
    }
  }

  private noteDelivery(target: NamedChannel, error: string | undefined): void {
    const key = `${target.project}/${target.name}`;
    const now = Date.now();
    const before = this.ledger.channels[key] ?? {
      channel: target.name,
      project: target.project,
      type: target.channel.type,
      failures: 0,
    };
    const status = error
      ? { ...before, lastFailureAt: now, lastError: error, failures: before.failures + 1 }
      : { ...before, lastSuccessAt: now, failures: 0 };
    this.ledger = { ...this.ledger, channels: { ...this.ledger.channels, [key]: status } };
    if (error)
      this.record(
        target.project,
        "alert.delivery-failed",
        "error",
        `alert channel ${target.name} (${target.channel.type}) failed: ${error}`,
      );
    this.save(now);
  }

  private silenced(rule: AlertRuleName, now: number): boolean {
    return this.ledger.silences.some((s) => s.rule === rule && s.until > now);
  }

  /** Sends nothing for `rule` until `forMs` from now (0: lifts the silence). */
  silence(rule: AlertRuleName, forMs: number, now = Date.now()): void {
    const others = this.ledger.silences.filter((s) => s.rule !== rule);
    this.ledger = {
      ...this.ledger,
      silences: forMs > 0 ? [...others, { rule, until: now + forMs }] : others,
    };
    this.save(now);
    // An operator's action: kept in every project's event log (until an audit log exists).
    const what = forMs > 0 ? `silenced until ${new Date(now + forMs).toISOString()}` : "no longer silenced";
    this.record("", "alert.silenced", "info", `alert rule ${rule} ${what}`);
  }

  view(now = Date.now()): AlertsView {
    return alertsView(this.ledger, now, this.evaluatedAt);
  }

  private record(project: string, kind: string, level: "info" | "error", message: string): void {
    const projects = project === "" ? this.options.source.projects() : [project];
    for (const p of projects) this.options.source.store.addEvent({ project: p, kind, level, message });
  }

  /** Writes the ledger when it changed (an evaluation that changes nothing writes nothing). */
  private save(now: number): void {
    const text = JSON.stringify(this.ledger);
    if (text === this.saved) return;
    writeLedger(this.options.ledgerFile, this.ledger, now);
    this.saved = text;
  }
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AlertLedger } from "./model.js";

const EMPTY: AlertLedger = { alerts: {}, channels: {}, silences: [] };
/** Resolved alerts kept for `slipway alerts` (the newest). */
const KEEP_RESOLVED = 50;

/** Reads the ledger; a missing or unreadable file is an empty one (alerts then fire afresh). */
export function readLedger(file: string): AlertLedger {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<AlertLedger>;
    return { alerts: parsed.alerts ?? {}, channels: parsed.channels ?? {}, silences: parsed.silences ?? [] };
  } catch {
    return EMPTY;
  }
}

/** Writes the ledger by rename (0600), keeping every firing alert and the newest resolved ones. */
export function writeLedger(file: string, ledger: AlertLedger, now: number): void {
  const resolved = Object.values(ledger.alerts)
    .filter((a) => a.status === "resolved")
    .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))
    .slice(KEEP_RESOLVED);
  const alerts = { ...ledger.alerts };
  for (const old of resolved) delete alerts[old.key];
  const silences = ledger.silences.filter((s) => s.until > now);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...ledger, alerts, silences }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

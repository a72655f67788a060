/** How many backups to keep (`x-slipway.backups.retention`). */
export interface RetentionPolicy {
  /** The newest N backups. */
  readonly keep_last: number;
  /** The newest backup of each of the last N calendar days (UTC), today included. */
  readonly daily: number;
  /** The newest backup of each of the last N ISO weeks (Monday to Sunday, UTC), this week included. */
  readonly weekly: number;
  /** The newest backup of each of the last N calendar months (UTC), this month included. */
  readonly monthly: number;
}

/** What retention needs to know about a backup. */
export interface RetentionCandidate {
  readonly id: string;
  readonly createdAt: Date | string;
  /** A verification proved it restores. */
  readonly verified: boolean;
}

/** Why a backup is kept; `bucket` names the day (`2025-01-31`), week (`2025-W05`) or month (`2025-01`). */
export type KeepReason =
  | { readonly rule: "keep-last" }
  | { readonly rule: "daily" | "weekly" | "monthly"; readonly bucket: string }
  /** The newest backup known to restore is never deleted, whatever the policy says. */
  | { readonly rule: "newest-verified" }
  /** Dated after `now` (a clock was wrong): kept until time catches up. */
  | { readonly rule: "in-future" }
  /** Its date cannot be read: never deleted on a guess. */
  | { readonly rule: "unreadable-date" };

export interface RetentionPlan<T extends RetentionCandidate> {
  /** Newest first, each with every reason it is kept. */
  readonly keep: readonly { readonly backup: T; readonly reasons: readonly KeepReason[] }[];
  /** Newest first. */
  readonly delete: readonly T[];
}

const DAY = 86_400_000;

/** UTC day number since the epoch. */
const dayIndex = (time: number) => Math.floor(time / DAY);

/** Day number of the Monday starting the ISO week of `time` (1970-01-01 was a Thursday). */
const weekIndex = (time: number) => Math.floor((dayIndex(time) + 3) / 7);

const monthIndex = (date: Date) => date.getUTCFullYear() * 12 + date.getUTCMonth();

/** ISO 8601 week label, `2025-W05`: the week belongs to the year of its Thursday. */
function isoWeekLabel(time: number): string {
  const thursday = new Date(weekIndex(time) * 7 * DAY); // week w runs from day 7w-3 (Monday) to 7w+3
  const year = thursday.getUTCFullYear();
  const week = Math.floor((dayIndex(thursday.getTime()) - dayIndex(Date.UTC(year, 0, 1))) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/**
 * Decides which backups to keep and which to delete, with the reasons for each kept one. Pure: the
 * same backups, policy and `now` give the same plan. Each daily/weekly/monthly bucket keeps its newest
 * backup. The newest verified backup is always kept, even when every rule would drop it.
 */
export function planRetention<T extends RetentionCandidate>(
  backups: readonly T[],
  policy: RetentionPolicy,
  now: Date,
): RetentionPlan<T> {
  const reasons = new Map<T, KeepReason[]>();
  const keep = (backup: T, reason: KeepReason) =>
    reasons.set(backup, [...(reasons.get(backup) ?? []), reason]);
  const dated = backups
    .map((backup) => ({ backup, time: new Date(backup.createdAt).getTime() }))
    .filter(({ backup, time }) => {
      if (Number.isFinite(time)) return true;
      keep(backup, { rule: "unreadable-date" });
      return false;
    })
    .sort((a, b) => b.time - a.time);
  const nowTime = now.getTime();

  for (const { backup } of dated.slice(0, Math.max(0, policy.keep_last))) keep(backup, { rule: "keep-last" });
  const buckets = (
    rule: "daily" | "weekly" | "monthly",
    count: number,
    index: (time: number) => number,
    label: (time: number) => string,
  ) => {
    const seen = new Set<number>();
    for (const { backup, time } of dated) {
      const age = index(nowTime) - index(time);
      if (time > nowTime || age >= count || seen.has(age)) continue;
      seen.add(age);
      keep(backup, { rule, bucket: label(time) });
    }
  };
  buckets("daily", policy.daily, dayIndex, (time) => new Date(time).toISOString().slice(0, 10));
  buckets("weekly", policy.weekly, weekIndex, isoWeekLabel);
  buckets(
    "monthly",
    policy.monthly,
    (time) => monthIndex(new Date(time)),
    (time) => new Date(time).toISOString().slice(0, 7),
  );

  const newestVerified = dated.find(({ backup }) => backup.verified);
  if (newestVerified) keep(newestVerified.backup, { rule: "newest-verified" });
  for (const { backup, time } of dated)
    if (time > nowTime && !reasons.has(backup)) keep(backup, { rule: "in-future" });

  const order = [
    ...dated.map(({ backup }) => backup),
    ...backups.filter((backup) => !dated.some((d) => d.backup === backup)),
  ];
  return {
    keep: order
      .filter((backup) => reasons.has(backup))
      .map((backup) => ({ backup, reasons: reasons.get(backup) ?? [] })),
    delete: order.filter((backup) => !reasons.has(backup)),
  };
}

import { describe, expect, it } from "vitest";
import { planRetention, type RetentionCandidate, type RetentionPolicy } from "./retention.js";

const policy = (overrides: Partial<RetentionPolicy> = {}): RetentionPolicy => ({
  keep_last: 1,
  daily: 0,
  weekly: 0,
  monthly: 0,
  ...overrides,
});
const backup = (createdAt: string, verified = false): RetentionCandidate => ({
  id: createdAt,
  createdAt,
  verified,
});
const kept = (plan: ReturnType<typeof planRetention>) =>
  plan.keep.map(({ backup, reasons }) => [
    backup.id,
    reasons.map((r) => ("bucket" in r ? `${r.rule} ${r.bucket}` : r.rule)),
  ]);
const deleted = (plan: ReturnType<typeof planRetention>) => plan.delete.map((b) => b.id);

describe("planRetention", () => {
  it("keeps everything when there are fewer backups than keep_last", () => {
    const backups = [backup("2025-03-01T03:00:00Z"), backup("2025-03-02T03:00:00Z")];
    const plan = planRetention(backups, policy({ keep_last: 7 }), new Date("2025-03-02T12:00:00Z"));
    expect(deleted(plan)).toEqual([]);
    expect(kept(plan)).toEqual([
      ["2025-03-02T03:00:00Z", ["keep-last"]],
      ["2025-03-01T03:00:00Z", ["keep-last"]],
    ]);
  });

  it("keeps the newest backup of each of the last N days when there are several a day", () => {
    const backups = ["01", "02", "03", "04", "05"].flatMap((day) =>
      ["03:00", "12:00", "21:00"].map((time) => backup(`2025-03-${day}T${time}:00Z`)),
    );
    const plan = planRetention(backups, policy({ keep_last: 1, daily: 3 }), new Date("2025-03-05T22:00:00Z"));
    expect(kept(plan)).toEqual([
      ["2025-03-05T21:00:00Z", ["keep-last", "daily 2025-03-05"]],
      ["2025-03-04T21:00:00Z", ["daily 2025-03-04"]],
      ["2025-03-03T21:00:00Z", ["daily 2025-03-03"]],
    ]);
    expect(deleted(plan)).toHaveLength(12);
    expect(deleted(plan)[0]).toBe("2025-03-05T12:00:00Z");
  });

  it("counts days from now: a day without a backup still uses up one of the N days", () => {
    const backups = [backup("2025-03-01T03:00:00Z"), backup("2025-03-03T03:00:00Z")];
    const plan = planRetention(backups, policy({ keep_last: 1, daily: 2 }), new Date("2025-03-04T10:00:00Z"));
    expect(kept(plan)).toEqual([["2025-03-03T03:00:00Z", ["keep-last", "daily 2025-03-03"]]]);
    expect(deleted(plan)).toEqual(["2025-03-01T03:00:00Z"]);
  });

  it("buckets weeks by ISO week, across a year boundary", () => {
    // 2024-12-29 is the Sunday ending 2024-W52; 2024-12-30 (Monday) and 2025-01-05 (Sunday) are both in 2025-W01.
    const backups = [
      backup("2024-12-22T03:00:00Z"),
      backup("2024-12-29T03:00:00Z"),
      backup("2024-12-30T03:00:00Z"),
      backup("2025-01-05T03:00:00Z"),
    ];
    const plan = planRetention(
      backups,
      policy({ keep_last: 1, weekly: 2 }),
      new Date("2025-01-05T23:00:00Z"),
    );
    expect(kept(plan)).toEqual([
      ["2025-01-05T03:00:00Z", ["keep-last", "weekly 2025-W01"]],
      ["2024-12-29T03:00:00Z", ["weekly 2024-W52"]],
    ]);
    expect(deleted(plan)).toEqual(["2024-12-30T03:00:00Z", "2024-12-22T03:00:00Z"]);
  });

  it("labels ISO weeks that belong to the neighbouring year", () => {
    // 2021-01-03 (Sunday) is in 2020-W53; 2026-12-31 (Thursday) is in 2026-W53.
    const one = planRetention(
      [backup("2021-01-03T10:00:00Z")],
      policy({ keep_last: 1, weekly: 1 }),
      new Date("2021-01-03T12:00:00Z"),
    );
    expect(kept(one)[0]?.[1]).toContain("weekly 2020-W53");
    const two = planRetention(
      [backup("2026-12-31T10:00:00Z")],
      policy({ keep_last: 1, weekly: 1 }),
      new Date("2027-01-02T12:00:00Z"),
    );
    expect(kept(two)[0]?.[1]).toContain("weekly 2026-W53");
  });

  it("buckets months by calendar month: one minute apart across midnight is two months", () => {
    const backups = [
      backup("2024-12-15T03:00:00Z"),
      backup("2025-01-10T03:00:00Z"),
      backup("2025-01-31T23:59:00Z"),
      backup("2025-02-01T00:01:00Z"),
      backup("2025-02-01T00:00:30Z"),
    ];
    const plan = planRetention(
      backups,
      policy({ keep_last: 1, monthly: 2 }),
      new Date("2025-02-15T00:00:00Z"),
    );
    expect(kept(plan)).toEqual([
      ["2025-02-01T00:01:00Z", ["keep-last", "monthly 2025-02"]],
      ["2025-01-31T23:59:00Z", ["monthly 2025-01"]],
    ]);
    expect(deleted(plan)).toEqual(["2025-02-01T00:00:30Z", "2025-01-10T03:00:00Z", "2024-12-15T03:00:00Z"]);
  });

  it("never deletes the newest verified backup, even when it is old and every rule drops it", () => {
    const backups = [
      backup("2024-01-01T03:00:00Z", true),
      backup("2024-06-01T03:00:00Z", true),
      backup("2025-03-01T03:00:00Z"),
      backup("2025-03-02T03:00:00Z"),
    ];
    const plan = planRetention(
      backups,
      policy({ keep_last: 1, daily: 1, weekly: 1, monthly: 1 }),
      new Date("2025-03-02T12:00:00Z"),
    );
    expect(kept(plan)).toEqual([
      ["2025-03-02T03:00:00Z", ["keep-last", "daily 2025-03-02", "weekly 2025-W09", "monthly 2025-03"]],
      ["2024-06-01T03:00:00Z", ["newest-verified"]],
    ]);
    expect(deleted(plan)).toEqual(["2025-03-01T03:00:00Z", "2024-01-01T03:00:00Z"]);
  });

  it("keeps backups dated in the future or with an unreadable date rather than guess", () => {
    const backups = [backup("2025-03-01T03:00:00Z"), backup("2025-03-09T03:00:00Z"), backup("not a date")];
    const plan = planRetention(backups, policy({ keep_last: 1 }), new Date("2025-03-02T00:00:00Z"));
    expect(kept(plan)).toEqual([
      ["2025-03-09T03:00:00Z", ["keep-last"]],
      ["not a date", ["unreadable-date"]],
    ]);
    expect(deleted(plan)).toEqual(["2025-03-01T03:00:00Z"]);
    const later = planRetention(backups, policy({ keep_last: 0 }), new Date("2025-03-02T00:00:00Z"));
    expect(kept(later).map(([id, reasons]) => [id, reasons])).toContainEqual([
      "2025-03-09T03:00:00Z",
      ["in-future"],
    ]);
  });

  it("handles no backups", () => {
    expect(planRetention([], policy(), new Date())).toEqual({ keep: [], delete: [] });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import { BackupSchedules, type ScheduledWork } from "./schedules.js";

function appWith(schedule: string, verify: string) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-schedules-"));
  try {
    writeFileSync(
      join(dir, "compose.yaml"),
      `name: shop\nservices:\n  cache:\n    image: redis:7\n    x-slipway: { backups: { schedule: "${schedule}", verify: "${verify}" } }\n  web: { build: . }\n`,
    );
    return loadManifest({ files: [join(dir, "compose.yaml")], env: {} }).spec!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records the calls the schedules make; each call takes `holdMs`. */
function recordingWork(holdMs: number) {
  const calls: string[] = [];
  let running = 0;
  let overlapped = false;
  const work = (what: string) => async (_app: unknown, service: string) => {
    running++;
    if (running > 1) overlapped = true;
    calls.push(`${what} ${service}`);
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    running--;
  };
  const scheduled: ScheduledWork = { backUp: work("backup"), verify: work("verify") };
  return { scheduled, calls, overlapped: () => overlapped };
}

describe("backup schedules", () => {
  it("runs each backed-up service's backup and verification on 6-field crons, never overlapping a job with itself", async () => {
    const { scheduled, calls, overlapped } = recordingWork(1500);
    const schedules = new BackupSchedules(scheduled);
    try {
      schedules.sync("shop", appWith("* * * * * *", "0 0 1 1 *"));
      expect(schedules.count("shop")).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 3200));
      expect(calls.filter((c) => c === "backup cache").length).toBeGreaterThanOrEqual(1);
      // Every second, but each run holds 1.5 s: croner's protect skips the ticks that would overlap.
      expect(calls.length).toBeLessThanOrEqual(2);
      expect(overlapped()).toBe(false);
    } finally {
      schedules.stopAll();
    }
  });

  it("stops a project's jobs when it has no active release (down, or never deployed)", async () => {
    const { scheduled, calls } = recordingWork(0);
    const schedules = new BackupSchedules(scheduled);
    schedules.sync("shop", appWith("* * * * * *", "* * * * * *"));
    schedules.sync("shop", undefined);
    expect(schedules.count("shop")).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(calls).toEqual([]);
    schedules.stopAll();
  });
});

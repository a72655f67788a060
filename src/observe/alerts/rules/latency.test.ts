import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadManifest } from "../../../manifest/load.js";
import { LATENCY_BUCKETS_MS, VersionStats } from "../../../router/version-stats.js";
import { type AlertFacts, settingsOf } from "../facts.js";
import { bucketQuantile, LatencyRule } from "./latency.js";

const NOW = Date.parse("2030-06-01T12:00:00Z");
const BOUNDS = [...LATENCY_BUCKETS_MS];

function spec() {
  const dir = mkdtempSync(join(tmpdir(), "slipway-latency-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "compose.yaml"),
    `name: shop
services:
  api: { image: node:20 }
x-slipway:
  alerts: { latency_p95: { ms: 300, window: 1m, min_requests: 10 } }
`,
  );
  const loaded = loadManifest({ cwd: dir, env: {} });
  expect(loaded.spec, JSON.stringify(loaded.problems)).toBeDefined();
  return loaded.spec!;
}

/** What the router counts after requests of these durations (ms): the real VersionStats. */
function bucketsAfter(stats: VersionStats, durations: readonly number[]): readonly number[] {
  for (const ms of durations) stats.record("shop/api/0", "r1", { error: false, durationMs: ms });
  return stats.snapshot("shop/api/0").r1!.latencyBuckets;
}

describe("the latency_p95 rule", () => {
  it("estimates a quantile inside its bucket, as histogram_quantile does", () => {
    // 100 requests: 90 under 5 ms, 10 between 250 and 500 ms; p95 is halfway through the latter.
    const buckets = BOUNDS.map(() => 0).concat(0);
    buckets[0] = 90;
    buckets[BOUNDS.indexOf(500)] = 10;
    expect(bucketQuantile(buckets, BOUNDS, 0.95)).toBe(375);
    expect(bucketQuantile(buckets, BOUNDS, 0.5)).toBeCloseTo(2.78, 2);
    expect(bucketQuantile([], BOUNDS, 0.95)).toBeUndefined();
    // Beyond the last bound: its lower bound (nothing says how far beyond).
    expect(bucketQuantile([...BOUNDS.map(() => 0), 5], BOUNDS, 0.95)).toBe(30_000);
  });

  it("fires per route on the window's requests only, and starts afresh when the counts go back", () => {
    const s = spec();
    const rule = new LatencyRule();
    const stats = new VersionStats();
    const at = (seconds: number, buckets: readonly number[]) =>
      rule
        .evaluate({
          now: NOW + seconds * 1000,
          projects: [
            {
              project: "shop",
              spec: s,
              activeSince: NOW,
              instances: [],
              lastDeploy: undefined,
              newest: () => undefined,
              settings: settingsOf(s),
              traffic: [],
              latency: [{ service: "api", route: "/api", buckets, bounds: BOUNDS }],
            },
          ],
          certificates: [],
          disks: [],
          machine: settingsOf(s),
        } satisfies AlertFacts)
        .map((c) => c.summary);

    // Slow requests before the first look are not judged.
    expect(at(0, bucketsAfter(stats, Array(50).fill(2000)))).toEqual([]);
    // Then 40 fast ones in the window: the slow past no longer counts.
    expect(at(30, bucketsAfter(stats, Array(40).fill(20)))).toEqual([]);
    // 5 slow among 60 since 60 s ago would be 8%: fires (p95 in the 1000–2500 ms bucket).
    const fired = at(60, bucketsAfter(stats, [...Array(15).fill(20), ...Array(5).fill(2000)]));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatch(
      /^shop\/api \/api: p95 latency \d+ ms over 60 requests in the last 60 s \(alert above 300 ms\)$/,
    );
    // Too few requests in the new window to say anything.
    expect(at(125, bucketsAfter(stats, Array(3).fill(3000)))).toEqual([]);
    // The router restarted (counts went back): a new window, judged on what came since.
    stats.reset("shop/api/0");
    expect(at(130, bucketsAfter(stats, Array(12).fill(600)))).toEqual([]);
    // 24 requests of 600 ms since the restart; 12 in the new window (p95 interpolated in 500–1000 ms).
    expect(at(140, bucketsAfter(stats, Array(12).fill(600)))).toEqual([
      "shop/api /api: p95 latency 975 ms over 12 requests in the last 10 s (alert above 300 ms)",
    ]);
  });
});

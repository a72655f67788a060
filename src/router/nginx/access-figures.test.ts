import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AccessLogFigures, attemptsOf } from "./access-figures.js";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ status: 200, seconds: 0.012, upstream_status: "200", upstream_group: "g", ...fields });

describe("attemptsOf", () => {
  it.each([
    [
      "one answered request",
      line({ upstream: "127.0.0.1:1" }),
      [{ address: "127.0.0.1:1", error: false, durationMs: 12 }],
    ],
    [
      "a 5xx answer",
      line({ upstream: "127.0.0.1:1", status: 502, upstream_status: "502" }),
      [{ address: "127.0.0.1:1", error: true, durationMs: 12 }],
    ],
    [
      "a refused attempt, then another instance",
      line({ upstream: "127.0.0.1:1, 127.0.0.1:2", upstream_status: "502, 200" }),
      [
        { address: "127.0.0.1:1", error: true },
        { address: "127.0.0.1:2", error: false, durationMs: 12 },
      ],
    ],
    [
      "an internal redirect",
      line({ upstream: "127.0.0.1:1 : 127.0.0.1:2", upstream_status: "200 : 200" }),
      [
        { address: "127.0.0.1:1", error: false },
        { address: "127.0.0.1:2", error: false, durationMs: 12 },
      ],
    ],
    ["a WebSocket session (not a request)", line({ upstream: "127.0.0.1:1", status: 101 }), []],
    ["a static file (no upstream)", line({ upstream: "", upstream_group: "" }), []],
    ["a line that is not JSON", "garbage", []],
  ])("%s", (_, text, expected) => {
    expect(attemptsOf(text).map(({ group: _group, ...rest }) => rest)).toEqual(
      expected.map((attempt) => ({ durationMs: undefined, ...attempt })),
    );
  });
});

/** One request of 12 ms: in the third latency bucket (≤ 25 ms). */
const AT_12_MS = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

describe("AccessLogFigures", () => {
  it("tallies lines appended since the first read, by group and version, across partial lines and rotation", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-access-"));
    try {
      const file = join(dir, "access.log");
      writeFileSync(file, `${line({ upstream: "127.0.0.1:1" })}\n`);
      const versions: Record<string, string> = { "127.0.0.1:1": "v1", "127.0.0.1:2": "v2" };
      const figures = new AccessLogFigures(file, (address) => versions[address]);
      expect(figures.snapshot(["g"])).toEqual([{}]);
      const half = line({ upstream: "127.0.0.1:2", status: 500 });
      appendFileSync(file, `${line({ upstream: "127.0.0.1:1" })}\n${half.slice(0, 20)}`);
      expect(figures.snapshot(["g"])[0]).toEqual({
        v1: { requests: 1, errors: 0, p95Ms: 12, latencyBuckets: AT_12_MS },
      });
      appendFileSync(file, `${half.slice(20)}\n${line({ upstream: "127.0.0.1:9" })}\n`);
      expect(figures.snapshot(["g", "other"])).toEqual([
        {
          v1: { requests: 1, errors: 0, p95Ms: 12, latencyBuckets: AT_12_MS },
          v2: { requests: 1, errors: 1, p95Ms: 12, latencyBuckets: AT_12_MS },
        },
        {},
      ]);
      figures.reset(["g"]);
      writeFileSync(file, `${line({ upstream: "127.0.0.1:2" })}\n`);
      expect(figures.snapshot(["g"])[0]).toEqual({
        v2: { requests: 1, errors: 0, p95Ms: 12, latencyBuckets: AT_12_MS },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

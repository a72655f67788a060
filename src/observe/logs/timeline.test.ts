import { describe, expect, it } from "vitest";
import { estimateTimes, keepLine, mergeByTime, type TimedLine } from "./timeline.js";

const line = (ts: number, service: string, text: string): TimedLine => ({
  ts,
  service,
  instance: `${service}.r1.0`,
  stream: "stdout",
  line: text,
});

describe("log lines by time", () => {
  it("spread each file's lines from where the previous file ended to its own modification time", () => {
    const times = estimateTimes(
      [
        { lines: ["a", "b"], mtimeMs: 1200 },
        { lines: ["c"], mtimeMs: 1500 },
        { lines: ["d", "e", "f"], mtimeMs: 1800 },
      ],
      1000,
    );
    expect(times).toEqual([
      { ts: 1100, line: "a" },
      { ts: 1200, line: "b" },
      { ts: 1500, line: "c" },
      { ts: 1600, line: "d" },
      { ts: 1700, line: "e" },
      { ts: 1800, line: "f" },
    ]);
    // A file older than the instance's start (clock skew) never moves lines before earlier ones.
    expect(estimateTimes([{ lines: ["x"], mtimeMs: 10 }], 1000)).toEqual([{ ts: 1000, line: "x" }]);
  });

  it("interleave streams by time, keeping each stream's order for equal times", () => {
    const merged = mergeByTime([
      [line(1, "api", "a1"), line(5, "api", "a2"), line(5, "api", "a3")],
      [line(2, "db", "d1"), line(5, "db", "d2")],
    ]);
    expect(merged.map((l) => l.line)).toEqual(["a1", "d1", "a2", "a3", "d2"]);
  });

  it("keep lines within --since/--until that match --grep, never empty ones", () => {
    const filter = { since: 2, until: 4, grep: /err/ };
    expect([1, 2, 3, 4, 5].map((ts) => keepLine(line(ts, "api", "an error"), filter))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(keepLine(line(3, "api", "fine"), filter)).toBe(false);
    expect(keepLine(line(3, "api", ""), {})).toBe(false);
  });
});

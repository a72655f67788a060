import { describe, expect, it } from "vitest";
import { parseProcUsage, readProcUsage } from "./proc-usage.js";

describe("process usage from /proc", () => {
  it("reads CPU time and resident memory after a command name with spaces and parentheses", () => {
    const line = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 12345 1000000 2560 0";
    expect(parseProcUsage(line)).toEqual({ cpuSeconds: 3, rssBytes: 2560 * 4096 });
  });

  it("reads this process, and nothing for a PID that is not one", () => {
    const own = readProcUsage(process.pid)!;
    expect(own.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(own.rssBytes).toBeLessThan(4 * 1024 ** 3);
    expect(own.cpuSeconds).toBeGreaterThan(0);
    expect(readProcUsage(0)).toBeUndefined();
  });
});

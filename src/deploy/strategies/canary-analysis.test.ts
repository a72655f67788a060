import { describe, expect, it } from "vitest";
import { judgeCanaryStep } from "./canary-analysis.js";

const thresholds = { maxErrorRate: 0.01, maxP95Ms: 300, minRequests: 20 };

describe("judgeCanaryStep", () => {
  it("passes a healthy canary with enough traffic", () => {
    const verdict = judgeCanaryStep(
      { requests: 100, errors: 0, p95Ms: 40 },
      { requests: 900, errors: 1, p95Ms: 35 },
      thresholds,
    );
    expect(verdict.kind).toBe("pass");
    expect(verdict.summary).toContain("100 requests");
    expect(verdict.summary).toContain("stable: 0.11% errors");
  });

  it("never passes without enough requests", () => {
    expect(judgeCanaryStep({ requests: 19, errors: 0, p95Ms: 1 }, undefined, thresholds).kind).toBe(
      "inconclusive",
    );
    expect(judgeCanaryStep({ requests: 0, errors: 0, p95Ms: 0 }, undefined, thresholds).kind).toBe(
      "inconclusive",
    );
  });

  it("fails on the error rate and on latency", () => {
    const errors = judgeCanaryStep({ requests: 100, errors: 2, p95Ms: 10 }, undefined, thresholds);
    expect(errors).toMatchObject({ kind: "fail" });
    expect(errors.summary).toContain("2.00% is above max_error_rate 1.00%");
    const slow = judgeCanaryStep({ requests: 100, errors: 0, p95Ms: 301 }, undefined, thresholds);
    expect(slow.kind).toBe("fail");
    expect(slow.summary).toContain("p95 latency 301 ms");
  });

  it("ignores latency when no threshold is set", () => {
    expect(
      judgeCanaryStep({ requests: 50, errors: 0, p95Ms: 9999 }, undefined, {
        maxErrorRate: 0.01,
        minRequests: 20,
      }).kind,
    ).toBe("pass");
  });
});

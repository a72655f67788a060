import { describe, expect, it } from "vitest";
import { healthcheck } from "../manifest/schema/deploy.js";
import { DEFAULT_HEALTH_CONFIG } from "./config.js";
import { healthConfigFromHealthcheck, probeFromHealthcheck } from "./from-healthcheck.js";

const parse = (input: unknown) => healthcheck.parse(input);

describe("probeFromHealthcheck", () => {
  it("runs CMD as argv", () => {
    expect(probeFromHealthcheck(parse({ test: ["CMD", "pg_isready", "-U", "bot"] }))).toEqual({
      kind: "exec",
      argv: ["pg_isready", "-U", "bot"],
    });
  });

  it("runs CMD-SHELL and plain strings with /bin/sh -c", () => {
    const expected = { kind: "exec", argv: ["/bin/sh", "-c", "curl -f localhost:8080 || exit 1"] };
    expect(probeFromHealthcheck(parse({ test: ["CMD-SHELL", "curl -f localhost:8080 || exit 1"] }))).toEqual(
      expected,
    );
    expect(probeFromHealthcheck(parse({ test: "curl -f localhost:8080 || exit 1" }))).toEqual(expected);
  });

  it.each([
    ["no healthcheck", undefined],
    ["no test", parse({ interval: "5s" })],
    ["NONE", parse({ test: ["NONE"] })],
    ["disable: true", parse({ test: ["CMD", "true"], disable: true })],
  ])("is undefined for %s", (_name, input) => {
    expect(probeFromHealthcheck(input)).toBeUndefined();
  });
});

describe("healthConfigFromHealthcheck", () => {
  it("converts durations to milliseconds", () => {
    const input = parse({
      test: ["CMD", "true"],
      interval: "10s",
      timeout: "2s",
      retries: 5,
      start_period: "1m",
      start_interval: "500ms",
    });
    expect(healthConfigFromHealthcheck(input)).toEqual({
      intervalMs: 10_000,
      timeoutMs: 2000,
      retries: 5,
      startPeriodMs: 60_000,
      startIntervalMs: 500,
    });
  });

  it("takes Docker's defaults for unset and zero values", () => {
    const defaults = {
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 5000,
    };
    expect(DEFAULT_HEALTH_CONFIG).toEqual(defaults);
    expect(healthConfigFromHealthcheck(undefined)).toEqual(defaults);
    expect(healthConfigFromHealthcheck(parse({ test: ["CMD", "true"] }))).toEqual(defaults);
    const zeros = parse({ interval: "0s", timeout: 0, retries: 0, start_period: "0s", start_interval: "0s" });
    expect(healthConfigFromHealthcheck(zeros)).toEqual(defaults);
  });
});

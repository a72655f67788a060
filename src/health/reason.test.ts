import { describe, expect, it } from "vitest";
import { describeProbe } from "./probe.js";
import { deadlineReason, unhealthyReason } from "./reason.js";

const last = { ok: false, output: "exit 2: /var/run/postgresql:5432 - no response", durationMs: 12 };

describe("describeProbe", () => {
  it.each([
    [{ kind: "exec", argv: ["/bin/sh", "-c", "pg_isready -U bot"] } as const, "pg_isready -U bot"],
    [{ kind: "exec", argv: ["redis-cli", "ping"] } as const, "redis-cli ping"],
    [{ kind: "exec", argv: ["echo", "two words"] } as const, "echo 'two words'"],
    [{ kind: "http", url: "http://127.0.0.1:8080/health" } as const, "http://127.0.0.1:8080/health"],
    [{ kind: "tcp", host: "db", port: 5432 } as const, "tcp://db:5432"],
    [{ kind: "tcp", host: "::1", port: 6379 } as const, "tcp://[::1]:6379"],
  ])("names %j as %s", (probe, text) => {
    expect(describeProbe(probe)).toBe(text);
  });
});

describe("reasons", () => {
  const probe = { kind: "exec", argv: ["/bin/sh", "-c", "pg_isready -U bot"] } as const;

  it("names the probe, the failures and the last output when unhealthy", () => {
    expect(unhealthyReason(probe, 3, last)).toBe(
      "healthcheck `pg_isready -U bot` failed 3 times; last output: exit 2: /var/run/postgresql:5432 - no response",
    );
    expect(unhealthyReason(probe, 1, last)).toContain("failed 1 time;");
  });

  it("names the probe, the wait and the last output at the deadline", () => {
    expect(deadlineReason(probe, 60_000, last)).toBe(
      "healthcheck `pg_isready -U bot` gave no healthy result within 1m; last output: exit 2: /var/run/postgresql:5432 - no response",
    );
    expect(deadlineReason(probe, 1500, undefined)).toBe(
      "healthcheck `pg_isready -U bot` gave no healthy result within 1s500ms; no probe finished yet",
    );
  });
});

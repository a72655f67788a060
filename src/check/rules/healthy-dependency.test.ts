import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { healthyDependency } from "./healthy-dependency.js";

describe("E_CHECK_HEALTHY_NO_HEALTHCHECK", () => {
  it("flags service_healthy on a service without a healthcheck, at the depends_on entry", () => {
    const findings = check(
      healthyDependency,
      `
      services:
        bot:
          image: acme/bot:1
          depends_on:
            db: { condition: service_healthy }
            redis: { condition: service_healthy }
        db: { image: postgres:16 }
        redis:
          image: redis:7
          healthcheck: { test: [NONE] }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_HEALTHY_NO_HEALTHCHECK services.bot.depends_on.db",
      "E_CHECK_HEALTHY_NO_HEALTHCHECK services.bot.depends_on.redis",
    ]);
    expect(findings[0]?.hint).toContain("pg_isready");
    expect(findings[1]?.message).toContain("disabled");
  });

  it("accepts service_healthy on a healthchecked service and service_started on any", () => {
    const findings = check(
      healthyDependency,
      `
      services:
        bot:
          image: acme/bot:1
          depends_on:
            db: { condition: service_healthy }
            redis: { condition: service_started }
        db:
          image: postgres:16
          healthcheck: { test: [CMD-SHELL, pg_isready -U postgres], interval: 5s }
        redis: { image: redis:7 }
      `,
    );
    expect(findings).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { routedNoHealthcheck } from "./routed-no-healthcheck.js";

describe("W_CHECK_NO_HEALTHCHECK", () => {
  it("flags a routed service and a public port without a healthcheck, and a disabled one", () => {
    const findings = check(
      routedNoHealthcheck,
      `
      services:
        bot:
          image: acme/bot:1
          x-slipway:
            routes: [{ domains: [bot.example.com], port: 8080 }]
        game:
          image: acme/game:1
          ports: ["7777:7777/udp"]
        api:
          image: acme/api:1
          ports: ["3000:3000"]
          healthcheck: { disable: true }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "W_CHECK_NO_HEALTHCHECK services.bot",
      "W_CHECK_NO_HEALTHCHECK services.game",
      "W_CHECK_NO_HEALTHCHECK services.api.healthcheck",
    ]);
    expect(findings.map((f) => f.severity)).toEqual(["warning", "warning", "warning"]);
  });

  it("accepts a healthchecked route, an unrouted worker, a database port and a static route", () => {
    const findings = check(
      routedNoHealthcheck,
      `
      services:
        api:
          image: acme/api:1
          healthcheck: { test: [CMD, curl, -f, http://localhost:3000/health] }
          x-slipway: { routes: [{ port: 3000 }] }
        worker:
          image: acme/worker:1
        db:
          image: postgres:16
          ports: ["127.0.0.1:5432:5432"]
        site:
          image: nginx:1.27
          x-slipway: { routes: [{ static: ./public }] }
      `,
    );
    expect(findings).toEqual([]);
  });
});

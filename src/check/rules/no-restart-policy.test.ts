import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { noRestartPolicy } from "./no-restart-policy.js";

describe("W_CHECK_NO_RESTART", () => {
  it("flags a long-running service without restart or deploy.restart_policy", () => {
    const findings = check(
      noRestartPolicy,
      `
      services:
        bot: { image: acme/bot:1 }
        api: { image: acme/api:1, restart: unless-stopped }
      `,
    );
    expect(hitsOf(findings)).toEqual(["W_CHECK_NO_RESTART services.bot"]);
  });

  it("skips restart policies under deploy, scheduled jobs and one-shot dependencies", () => {
    const findings = check(
      noRestartPolicy,
      `
      services:
        api:
          image: acme/api:1
          deploy: { restart_policy: { condition: on-failure } }
          depends_on: { migrate: { condition: service_completed_successfully } }
        migrate: { image: acme/api:1 }
        cleanup:
          image: acme/api:1
          x-slipway: { schedule: "0 * * * *" }
      `,
    );
    expect(findings).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { noResourceLimits } from "./no-resource-limits.js";

describe("I_CHECK_NO_LIMITS", () => {
  it("flags a service without limits, also when only reservations or a pids limit are set", () => {
    const findings = check(
      noResourceLimits,
      `
      services:
        a: { image: acme/a:1 }
        b:
          image: acme/b:1
          deploy: { resources: { reservations: { memory: 256m }, limits: { pids: 100 } } }
      `,
    );
    expect(hitsOf(findings)).toEqual(["I_CHECK_NO_LIMITS services.a", "I_CHECK_NO_LIMITS services.b"]);
    expect(findings[0]?.severity).toBe("info");
  });

  it("accepts deploy limits and the service-level mem_limit and cpus", () => {
    const findings = check(
      noResourceLimits,
      `
      services:
        a: { image: acme/a:1, deploy: { resources: { limits: { memory: 512m } } } }
        b: { image: acme/b:1, deploy: { resources: { limits: { cpus: "0.5" } } } }
        c: { image: acme/c:1, mem_limit: 1g }
        d: { image: acme/d:1, cpus: 2 }
      `,
    );
    expect(findings).toEqual([]);
  });
});

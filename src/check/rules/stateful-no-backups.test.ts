import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { statefulNoBackups } from "./stateful-no-backups.js";

describe("W_CHECK_NO_BACKUPS", () => {
  it("flags a database with a named volume and no backups", () => {
    const findings = check(
      statefulNoBackups,
      `
      services:
        db:
          image: postgres:16
          volumes: ["pgdata:/var/lib/postgresql/data"]
      volumes:
        pgdata: {}
      `,
    );
    expect(hitsOf(findings)).toEqual(["W_CHECK_NO_BACKUPS services.db"]);
    expect(findings[0]?.message).toContain('"pgdata"');
    expect(findings[0]?.hint).toContain('backups: { schedule: "0 3 * * *" }');
  });

  it("accepts backups, a bind mount, and a non-database with a volume", () => {
    const findings = check(
      statefulNoBackups,
      `
      services:
        db:
          image: postgres:16
          volumes: ["pgdata:/var/lib/postgresql/data"]
          x-slipway: { backups: { schedule: "0 3 * * *" } }
        redis:
          image: redis:7
          volumes: ["./redis:/data"]
        mongo:
          image: mongo:7
          volumes: ["/data/db"]
        uploads:
          image: acme/api:1
          volumes: ["files:/srv/files"]
      volumes:
        pgdata: {}
        files: {}
      `,
    );
    expect(findings).toEqual([]);
  });
});
